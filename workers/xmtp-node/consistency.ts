/**
 * The node's state and the client databases must be kept or reset together
 * (docs/local-xmtp-node.md §7). A wiped node with kept client databases does not fail at once:
 * `canMessage` quietly says false and `createDm` later fails with
 * "SequenceId not found in local db". This check lets the run command refuse
 * to start with a clear message instead.
 */
import fs from "node:fs";
import path from "node:path";
import { xmtpDbDir } from "@/lib/xmtp/paths.ts";
import { LOG_FILE } from "./persistence.ts";
import { xmtpNodeDataDir } from "./paths.ts";

function hasFiles(dir: string): boolean {
  return fs.existsSync(dir) && fs.readdirSync(dir).some((name) => !name.startsWith("."));
}

function hasNodeState(dir: string): boolean {
  const file = path.join(dir, LOG_FILE);
  return fs.existsSync(file) && fs.statSync(file).size > 0;
}

/** null when consistent; otherwise a message saying client databases exist without the node state, and how to reset. */
export function checkLocalStateConsistent(dataDir: string): string | null {
  const clients = xmtpDbDir(dataDir);
  const node = xmtpNodeDataDir(dataDir);
  if (!hasFiles(clients) || hasNodeState(node)) return null;
  return (
    `XMTP client databases exist in ${clients} but the local XMTP node's state in ${node} is gone. ` +
    `Those clients would fail ("SequenceId not found in local db"). ` +
    `Run \`npm run reset-local\` to wipe both together (DATA_DIR=${dataDir}).`
  );
}
