/** The browser chat's guest files go with the agent, or with the whole account, and nothing else does. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eraseGuestChatFiles } from "./guest-files";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "guest-files-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function guest(userId: string, agentId: string): string {
  const dir = path.join(dataDir, "guests", userId, agentId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "identity.json"), "{}");
  return dir;
}

describe("eraseGuestChatFiles", () => {
  it("removes one agent's guest, then all of a user's, and keeps other users'", async () => {
    const a1 = guest("u1", "a1");
    const a2 = guest("u1", "a2");
    const other = guest("u2", "a1");
    await eraseGuestChatFiles(dataDir, "u1", "a1");
    expect([fs.existsSync(a1), fs.existsSync(a2)]).toEqual([false, true]);
    await eraseGuestChatFiles(dataDir, "u1");
    expect(fs.existsSync(path.join(dataDir, "guests", "u1"))).toBe(false);
    expect(fs.existsSync(other)).toBe(true);
  });

  it("refuses an id that could leave the guests folder", async () => {
    await expect(eraseGuestChatFiles(dataDir, "..")).rejects.toThrow("not a plain id");
    await expect(eraseGuestChatFiles(dataDir, "u2", "../u2")).rejects.toThrow("not a plain id");
    expect(fs.existsSync(path.join(dataDir, "guests", "u2", "a1"))).toBe(true);
  });
});
