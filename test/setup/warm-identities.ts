/**
 * Vitest global setup of the xmtp tier: a bank of warm identities for the whole run, the way
 * test/setup/database.ts makes one template database. A real worker process (`npm run worker`'s entry
 * point, test/worker-process.ts) fills the pool of a database of its own, with its own DATA_DIR, and keeps
 * it filled while the run lasts; test files take identities out of it (test/warm-identities.ts) instead of
 * each waiting for its own worker to make them. Each identity is taken once, by one file, and moved whole
 * (row and XMTP database) into that file's database and DATA_DIR: no two tests ever share one.
 *
 * The bank is a prefetch, not a stock: it starts filling here and does not wait, so its worker makes
 * identities while the first files run, and makes new ones as files take them. A file that finds it empty
 * waits a little, then lets its own worker make the rest, as before.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { localNodeUrl } from "@/lib/xmtp/client.ts";
import type { TestProject } from "vitest/node";
import { withDatabase } from "@/scripts/database-url.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { exited, killIfRunning, spawnWorkerProcess, TEST_MASTER_KEY } from "@/test/worker-process.ts";

/**
 * How many idle identities the bank keeps: the most one file takes (3). Kept small, and made two at a
 * time, because the bank's worker shares the CPU with the files that run meanwhile.
 */
export const BANK_SIZE = 4;
const BANK_DATABASE = "convos_test_warm_identities";

declare module "vitest" {
  export interface ProvidedContext {
    /** The bank's database and DATA_DIR (test/warm-identities.ts). */
    warmIdentities: { databaseUrl: string; dataDir: string; apiUrl: string };
  }
}

export default async function setup(project: TestProject) {
  const { databaseAdminUrl, templateDatabase } = project.getProvidedContext();
  const admin = new pg.Client({ connectionString: databaseAdminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${BANK_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${BANK_DATABASE} TEMPLATE ${templateDatabase}`);
  await admin.end();
  const databaseUrl = withDatabase(databaseAdminUrl, BANK_DATABASE);
  const bank = new pg.Client({ connectionString: databaseUrl });
  await bank.connect();
  await bank.query(
    `INSERT INTO "PoolSetting" (id, "targetIdle", "maxConcurrentCreates", "updatedAt") VALUES (1, $1, 2, now())`,
    [BANK_SIZE],
  );
  await bank.end();

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warm-identities-"));
  const worker = spawnWorkerProcess({
    id: "warm-identities",
    databaseUrl,
    dataDir,
    masterKey: TEST_MASTER_KEY,
  });
  project.provide("warmIdentities", { databaseUrl, dataDir, apiUrl: localNodeUrl() });

  return async () => {
    const exit = exited(worker);
    worker.kill("SIGTERM");
    await Promise.race([exit, sleep(10_000, undefined, { ref: false })]);
    killIfRunning(worker);
    const dropper = new pg.Client({ connectionString: databaseAdminUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${BANK_DATABASE} WITH (FORCE)`);
    await dropper.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
