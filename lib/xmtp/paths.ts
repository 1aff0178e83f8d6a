/**
 * Where XMTP state lives in the product data directory. Kept free of SDK
 * imports so that scripts (reset, the run command's check) can use it without
 * loading the native bindings.
 */
import path from "node:path";
import { settingNow } from "@/lib/config.ts";

/** Subfolder of DATA_DIR holding every client database. */
export const XMTP_DB_SUBDIR = "xmtp";

/** The product data directory: `$DATA_DIR`, else `.data`. */
export function dataDirFromEnv(): string {
  return settingNow("DATA_DIR");
}

/** The folder of client databases for a product data directory. */
export function xmtpDbDir(dataDir = dataDirFromEnv()): string {
  return path.join(dataDir, XMTP_DB_SUBDIR);
}

/** Where the client database of `inboxId` in environment `env` lives (its -wal and -shm files beside it). */
export function clientDbPath(env: string, inboxId: string, dataDir = dataDirFromEnv()): string {
  return path.join(xmtpDbDir(dataDir), `${env}-${inboxId}.db3`);
}
