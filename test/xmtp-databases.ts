/** Losing an identity's XMTP database for good, as a dead disk would: the tests' one way to do it. */
import fs from "node:fs";
import path from "node:path";
import { clientDbPath, xmtpEnv } from "@/lib/xmtp/index.ts";

/** Deletes the client database of `inboxId` under DATA_DIR (with its -wal/-shm files); returns the files removed. */
export function deleteClientDatabase(inboxId: string): number {
  const file = clientDbPath(xmtpEnv(), inboxId);
  const dir = path.dirname(file);
  const doomed = fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(file)));
  for (const f of doomed) fs.rmSync(path.join(dir, f), { force: true });
  return doomed.length;
}
