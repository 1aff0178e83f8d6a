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
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiUrls } from "@xmtp/node-sdk";
import { pointLocalEnvAt } from "@/lib/xmtp/index.ts";
import { startXmtpNode, type XmtpNode } from "./server.ts";
import { checkLocalStateConsistent } from "./consistency.ts";
import { xmtpNodeDataDir } from "./paths.ts";
import { identifierOf, newUser, tempDir } from "@/test/xmtp-clients.ts";

const tmp = tempDir("xmtp-wipe-");
const dataDir = tmp.dir; // laid out like a product DATA_DIR: xmtp-node/ and xmtp/
const quiet = pino({ level: "warn" });
const originalLocal = ApiUrls.local;
let node: XmtpNode;

beforeAll(async () => {
  node = await startXmtpNode({ port: 0, dataDir: xmtpNodeDataDir(dataDir), log: quiet });
  pointLocalEnvAt(node.url);
});

afterAll(async () => {
  await node.stop();
  pointLocalEnvAt(originalLocal);
  tmp.remove();
});

describe("node wiped while clients keep their databases", () => {
  it("breaks canMessage and createDm, and the consistency check reports it", async () => {
    const clientDir = path.join(dataDir, "xmtp");
    fs.mkdirSync(clientDir, { recursive: true });
    const a = await newUser(clientDir, { apiUrl: node.url });
    const b = await newUser(clientDir, { apiUrl: node.url });
    expect((await a.client.canMessage([identifierOf(b)])).get(b.address)).toBe(true);
    expect(checkLocalStateConsistent(dataDir)).toBeNull();

    const port = node.port;
    await node.stop();
    fs.rmSync(xmtpNodeDataDir(dataDir), { recursive: true, force: true });
    expect(checkLocalStateConsistent(dataDir)).toMatch(/npm run reset-local/);
    node = await startXmtpNode({ port, dataDir: xmtpNodeDataDir(dataDir), log: quiet });

    expect((await a.client.canMessage([identifierOf(b)])).get(b.address)).toBe(false);
    await expect(a.client.conversations.createDm(b.client.inboxId)).rejects.toThrow(
      /SequenceId not found in local db/,
    );
  });
});
