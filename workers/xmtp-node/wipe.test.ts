/**
 * Acceptance 9 (docs/local-xmtp-node.md §9, §7), the negative test: the node's state is wiped
 * but the clients keep their databases. This is the failure mode that
 * `npm run reset-local` and the run command's consistency check exist for.
 * Like restart.test.ts, the file owns its node on an ephemeral port and points
 * this process's `ApiUrls.local` at it (lib/xmtp's default `apiUrl`, §2.2).
 */
import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { nodeOfThisFile } from "./test-node.ts";
import { checkLocalStateConsistent } from "./consistency.ts";
import { xmtpNodeDataDir } from "./paths.ts";
import { identifierOf, newUser, tempDir } from "@/test/xmtp-clients.ts";

const tmp = tempDir("xmtp-wipe-");
const dataDir = tmp.dir; // laid out like a product DATA_DIR: xmtp-node/ and xmtp/
const quiet = pino({ level: "warn" });
const own = nodeOfThisFile(tmp, { dataDir: xmtpNodeDataDir(dataDir), log: quiet });

describe("node wiped while clients keep their databases", () => {
  it("breaks canMessage and createDm, and the consistency check reports it", async () => {
    const clientDir = path.join(dataDir, "xmtp");
    fs.mkdirSync(clientDir, { recursive: true });
    const a = await newUser(clientDir, { apiUrl: own.node.url });
    const b = await newUser(clientDir, { apiUrl: own.node.url });
    expect((await a.client.canMessage([identifierOf(b)])).get(b.address)).toBe(true);
    expect(checkLocalStateConsistent(dataDir)).toBeNull();

    await own.stop();
    fs.rmSync(xmtpNodeDataDir(dataDir), { recursive: true, force: true });
    expect(checkLocalStateConsistent(dataDir)).toMatch(/npm run reset-local/);
    await own.start();

    expect((await a.client.canMessage([identifierOf(b)])).get(b.address)).toBe(false);
    await expect(a.client.conversations.createDm(b.client.inboxId)).rejects.toThrow(
      /SequenceId not found in local db/,
    );
  });
});
