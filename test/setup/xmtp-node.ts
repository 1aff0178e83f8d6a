/**
 * vitest globalSetup: makes sure a local XMTP node answers on 127.0.0.1:5556
 * for the whole run. Clients built without an `apiUrl` (lib/xmtp's default, the
 * worker's, the test helpers') go to node-sdk's `local` URL, localhost:5556
 * (docs/local-xmtp-node.md §2.2), so the shared node has to be on that port.
 *
 * - A node already answering there (e.g. `npm run xmtp-node` or the run
 *   command) is reused and left running.
 * - Otherwise one is started in this process with its state in a fresh temp
 *   dir (never the developer's DATA_DIR), and stopped and removed at the end.
 *
 * Tests that restart or wipe a node start their own on another port (see
 * workers/xmtp-node/restart.test.ts); they never touch this one.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { isXmtpNodeAt } from "@/workers/xmtp-node/raw-client.ts";
import { startXmtpNode } from "@/workers/xmtp-node/server.ts";

const ADDRESS = "127.0.0.1:5556";

export default async function setup(): Promise<() => Promise<void>> {
  if (await isXmtpNodeAt(ADDRESS)) {
    console.log(`[xmtp-node] reusing the node already answering on ${ADDRESS}`);
    return async () => {};
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xmtp-node-test-"));
  // Every call is logged at info; keep that out of the test output, in a file next to the data.
  const log = pino(
    { name: "xmtp-node", level: "info" },
    pino.destination({ dest: path.join(dir, "node.log"), sync: true }),
  );
  const node = await startXmtpNode({ port: 5556, dataDir: path.join(dir, "xmtp-node"), log });
  return async () => {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
