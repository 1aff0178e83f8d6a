/**
 * The terminal chat client against a real creator on the local XMTP node:
 * the programmatic session, and `main.ts` itself as a child process fed on stdin.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Group } from "@xmtp/node-sdk";
import { isConvosError } from "@/lib/convos/errors.ts";
import { openTestConversation, tempDir, waitFor, type Identity } from "@/test/convos.ts";
import { identityPath, loadOrCreateIdentity } from "@/lib/chat/identity.ts";
import { formatMessage, parseArgs } from "./main.ts";
import { openChatSession, type ChatMessage } from "@/lib/chat/session.ts";

const tmp = tempDir("convos-chat-");
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const s of stops) await s().catch(() => undefined);
  tmp.remove();
});

async function agentConversation(): Promise<{ a: Identity; group: Group<unknown>; url: string }> {
  const conversation = await openTestConversation(tmp.dir, { name: "Agent room", creatorName: "Agent A" });
  stops.push(conversation.stop);
  return { a: conversation.creator, group: conversation.group, url: conversation.url };
}

async function received(group: Group<unknown>, text: string) {
  return waitFor(`"${text}" at the agent`, async () => {
    await group.sync();
    return (await group.messages()).find((m) => m.content === text);
  });
}

describe("chat identity", () => {
  it("creates the key file once, owner-only, and reuses it", () => {
    const dir = path.join(tmp.dir, "id");
    const first = loadOrCreateIdentity(dir);
    expect(fs.statSync(identityPath(dir)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateIdentity(dir)).toEqual(first);
    fs.writeFileSync(identityPath(dir), "{}");
    expect(() => loadOrCreateIdentity(dir)).toThrow(/not a valid chat identity/);
  });
  it("parses arguments and formats lines", () => {
    expect(parseArgs(["https://x", "--name", "Zoe"])).toEqual({ inviteUrl: "https://x", name: "Zoe" });
    expect(parseArgs([])).toBeNull();
    const m: ChatMessage = {
      id: "1",
      senderInboxId: "i",
      senderName: "Agent A",
      fromMe: false,
      text: "hi",
      files: [],
      sentAt: new Date(2026, 0, 1, 9, 5),
    };
    expect(formatMessage(m)).toBe("[09:05] Agent A: hi");
  });
});

describe("chat session over the local node", () => {
  it("joins through the invite, sends, and receives with the agent's name", async () => {
    const { a, group, url } = await agentConversation();
    const session = await openChatSession({
      inviteUrl: url,
      dataDir: path.join(tmp.dir, "user1"),
      name: "Zoe",
      env: "local",
      joinTimeoutMs: 30_000,
    });
    stops.push(() => session.close());
    expect(session.conversation.id).toBe(group.id);
    const live = session.messages();

    await session.send("hello agent");
    expect((await received(group, "hello agent")).senderInboxId).toBe(session.inboxId);
    // The creator's name reaches the new member in the profile snapshot that follows the add; once the
    // session has it, what the creator says carries it.
    await waitFor(
      "the creator's name at the session",
      () => session.displayName(a.client.inboxId) === "Agent A",
    );
    await group.sendText("hello Zoe");
    let got: ChatMessage | undefined;
    for (;;) {
      const { value, done } = await live.next();
      if (done) break;
      if (!value.fromMe) {
        got = value;
        break;
      }
    }
    expect(got).toMatchObject({ text: "hello Zoe", senderName: "Agent A", senderInboxId: a.client.inboxId });
    await session.close();
    expect((await live.next()).done).toBe(true);

    // Reopening with the same data dir resumes the same identity and conversation.
    const again = await openChatSession({
      inviteUrl: url,
      dataDir: path.join(tmp.dir, "user1"),
      name: "Zoe",
      env: "local",
      joinTimeoutMs: 10_000,
    });
    stops.push(() => again.close());
    expect(again.inboxId).toBe(session.inboxId);
    expect(again.history.map((m) => m.text)).toEqual(expect.arrayContaining(["hello agent", "hello Zoe"]));
  });

  it("fails with a typed error for text that is not an invite", async () => {
    const err = await openChatSession({
      inviteUrl: "hello there",
      dataDir: path.join(tmp.dir, "user2"),
      name: "Q",
      env: "local",
    }).catch((e) => e);
    expect(isConvosError(err, "not_an_invite")).toBe(true);
  });

  it("npm run chat: the terminal client joins, prints the agent's reply and quits on /quit", async () => {
    const { group, url } = await agentConversation();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "workers/chat/main.ts", url, "--name", "Terminal Tess"],
      {
        cwd: path.resolve(import.meta.dirname, "../.."),
        env: { ...process.env, DATA_DIR: path.join(tmp.dir, "terminal"), XMTP_ENV: "local" },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (out += String(d)));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    stops.push(async () => child.kill());
    await waitFor("the terminal client to join", () => out.includes("Joined"), 45_000);
    child.stdin.write("hi from the terminal\n");
    await received(group, "hi from the terminal");
    await group.sendText("hi Tess");
    await waitFor("the reply on the terminal", () => /\] Agent A: hi Tess/.test(out), 20_000).catch((e) => {
      throw new Error(`${e.message}; output was:\n${out}`);
    });
    child.stdin.write("/quit\n");
    expect(await exited).toBe(0);
  });
});
