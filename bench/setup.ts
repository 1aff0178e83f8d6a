/** A throwaway migrated embedded PostgreSQL for a benchmark (loopback, temp folder), set as DATABASE_URL. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { pointLocalEnvAt } from "@/lib/xmtp/index.ts";
import { migrate } from "@/scripts/database.ts";
import { freePort, startEmbeddedPostgres } from "@/scripts/embedded-postgres.ts";
import { startXmtpNode } from "@/workers/xmtp-node/server.ts";

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

/**
 * What a worker needs for a benchmark, all throwaway: an in-memory local XMTP node on a free port, a
 * database, a data folder and a master key. Import the worker and lib/db only after this. Worker
 * processes started by the benchmark find the node only on the local default port: pass 5556 (inside
 * a network namespace of your own) and hand them `databaseUrl`, `dataDir` and `masterKey`.
 */
export async function benchWorkerEnv(prefix: string, nodePort = 0) {
  const node = await startXmtpNode({ port: nodePort, dataDir: null, log: pino({ level: "warn" }) });
  pointLocalEnvAt(node.url); // lib/xmtp's default apiUrl: this process's clients go to this node
  const database = await benchDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.env.DATA_DIR = dataDir;
  const masterKey = "bench-master-key-0123456789abcdefghijkl";
  process.env.MASTER_KEY = masterKey;
  return {
    databaseUrl: database.url,
    dataDir,
    masterKey,
    async stop() {
      await database.stop();
      await node.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
