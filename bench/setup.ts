/** A throwaway migrated embedded PostgreSQL for a benchmark (loopback, temp folder), set as DATABASE_URL. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate } from "../scripts/database.ts";
import { freePort, startEmbeddedPostgres } from "../scripts/embedded-postgres.ts";

export async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pg-"));
  fs.chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dir: path.join(dir, "data"), port: await freePort() });
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query("CREATE DATABASE bench");
  await admin.end();
  const u = new URL(server.adminUrl);
  u.pathname = "/bench";
  const url = u.toString();
  await migrate(url);
  process.env.DATABASE_URL = url;
  return {
    url,
    async stop() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
