/**
 * Worker processes for tests and benchmarks: `npm run worker`'s entry point
 * (workers/agents/main.ts) as a child of this process, with fast timings, and
 * a way to wait for its exit. Several share one database and, to fail over to
 * each other at once, one DATA_DIR.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

/** The MASTER_KEY of every test worker, so identities sealed by one open in another. */
export const TEST_MASTER_KEY = "test-master-key-0123456789abcdefghijklmnop";

export interface WorkerProcessOptions {
  id: string;
  databaseUrl: string;
  dataDir: string;
  masterKey: string;
  /** Extra environment (timings, LLM_*), over the fast defaults below. */
  env?: Record<string, string>;
}

/** Starts a worker process; its stderr goes to ours. */
export function spawnWorkerProcess(o: WorkerProcessOptions): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "workers/agents/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: o.databaseUrl,
      DATA_DIR: o.dataDir,
      MASTER_KEY: o.masterKey,
      WORKER_ID: o.id,
      WORKER_LEASE_MS: "3000",
      WORKER_HEARTBEAT_MS: "500",
      WORKER_POLL_MS: "500",
      WORKER_GRACE_MS: "3000",
      WORKER_SWEEP_MS: "1000",
      LOG_LEVEL: "warn",
      ...o.env,
    },
    stdio: ["ignore", logFile(o.id), "inherit"],
  });
}

/** BENCH_WORKER_LOGS=dir: each worker's log (stdout) goes to dir/<id>.log, to see where a failover's time went. */
function logFile(id: string): "ignore" | number {
  const dir = process.env.BENCH_WORKER_LOGS;
  if (!dir) return "ignore";
  fs.mkdirSync(dir, { recursive: true });
  return fs.openSync(path.join(dir, `${id}.log`), "a");
}

/**
 * A worker process of a test file: its database and DATA_DIR (workerTestEnv), the test MASTER_KEY, LOG_LEVEL
 * from DBG_LOG (default warn), answering with the scripted `model` when given; `settings` over all that.
 */
export function spawnTestWorker(
  id: string,
  env: { t: { url: string }; dataDir: string },
  o: { model?: { baseURL: string }; settings?: Record<string, string> } = {},
): ChildProcess {
  return spawnWorkerProcess({
    id,
    databaseUrl: env.t.url,
    dataDir: env.dataDir,
    masterKey: TEST_MASTER_KEY,
    env: {
      LOG_LEVEL: process.env.DBG_LOG ?? "warn",
      ...(o.model && { LLM_BASE_URL: o.model.baseURL, LLM_API_KEY: "test" }),
      ...o.settings,
    },
  });
}

/** Resolves with the exit code, or the signal that ended the process. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.exitCode ?? child.signalCode ?? -1);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
}

/** Kills a still-running child at once (clean-up after a failed test or benchmark). */
export function killIfRunning(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
