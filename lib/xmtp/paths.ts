/**
 * Where XMTP state lives in the product data directory. Kept free of SDK
 * imports so that scripts (reset, the run command's check) can use it without
 * loading the native bindings.
 */
import { readdir, rm } from "node:fs/promises";
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

/**
 * Deletes the client database of `inboxId` and every file beside it that bears its name (-wal, -shm,
 * .sqlcipher_salt): a retired identity's keys are wiped, so its database could never be opened again; it is
 * removed so nothing of its conversation stays on disk.
 */
export async function removeClientDatabase(
  env: string,
  inboxId: string,
  dataDir = dataDirFromEnv(),
): Promise<void> {
  const db = clientDbPath(env, inboxId, dataDir);
  const name = path.basename(db);
  const beside = await readdir(path.dirname(db)).catch(() => [] as string[]);
  await Promise.all(
    beside.filter((f) => f.startsWith(name)).map((f) => rm(path.join(path.dirname(db), f), { force: true })),
  );
}
