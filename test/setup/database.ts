/**
 * Vitest global setup: one PostgreSQL server for the run (DATABASE_URL's
 * server when set, otherwise a fresh embedded one in a temp folder) and a
 * migrated template database. Each test file clones the template into its own
 * database (test/db.ts), so files never see each other's rows.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/scripts/embedded-postgres.ts";
import { migrate } from "@/scripts/database.ts";
import { withDatabase } from "@/scripts/database-url.ts";

export const TEMPLATE_DATABASE = "convos_test_template";

declare module "vitest" {
  export interface ProvidedContext {
    databaseAdminUrl: string;
    templateDatabase: string;
  }
}

/**
 * embedded-postgres registers async-exit-hook, which answers the process's `beforeExit` with
 * `process.exit(0)`: the exit code vitest had set (1 after a failed test) was lost, and `vitest run`
 * exited 0 whatever failed. This keeps the code vitest set.
 */
function keepExitCode() {
  let wanted = 0;
  process.on("beforeExit", () => {
    wanted = Number(process.exitCode ?? 0) || wanted;
  });
  process.on("exit", () => {
    if (wanted) process.exitCode = wanted;
  });
}

export default async function setup(project: TestProject) {
  keepExitCode();
  let adminUrl: string;
  let stop = async () => {};
  let tempDir: string | undefined;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, "postgres");
  } else {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "convos-test-pg-"));
    // The server runs as the `postgres` OS user when we are root: it must be able to enter the folder.
    fs.chmodSync(tempDir, 0o755);
    const server = await startEmbeddedPostgres({ dir: path.join(tempDir, "data"), throwaway: true });
    adminUrl = server.adminUrl;
    stop = () => server.stop();
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  await migrate(withDatabase(adminUrl, TEMPLATE_DATABASE));

  project.provide("databaseAdminUrl", adminUrl);
  project.provide("templateDatabase", TEMPLATE_DATABASE);

  return async () => {
    await stop();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  };
}
