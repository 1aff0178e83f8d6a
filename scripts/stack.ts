/**
 * The product's parts, started and stopped in order (run by scripts/run.ts,
 * which keeps this process out of the terminal's process group).
 *
 *   1. the database: DATABASE_URL, or the embedded PostgreSQL under DATA_DIR;
 *      migrations applied, the catalog seeded;
 *   2. the local XMTP node, when XMTP_ENV is local (the default);
 *   3. the agents worker (workers/agents): warm pool, handoffs, agents;
 *   4. the web app (`next dev`, or `next start` after `npm run build`).
 *
 * Ctrl-C (or SIGTERM) stops everything in reverse order; a second Ctrl-C
 * exits at once. The worker and the local node are restarted when they die
 * (scripts/supervisor.ts: capped backoff; a part that keeps crashing at
 * start-up is given up on, and then everything stops with a failing code).
 * A worker that hangs dies too: its event-loop watchdog kills it after
 * WORKER_WATCHDOG_MS blocked (workers/agents/worker/watchdog.ts; tsx reports the
 * kill as exit code 137), and it is restarted like any crash.
 * The web app and the embedded database are what users reach: when one dies,
 * the rest is stopped too.
 *
 * A restart is recorded in the database (lib/supervision), where the web app
 * reads it for /api/health, /admin and the metrics. A dead worker's leases
 * are released at once, so its replacement resumes its agents and answers
 * what was sent meanwhile without waiting for the leases to expire. When the
 * local node dies the worker is stopped and started again after it, so its
 * XMTP clients start against the node that is back (same port, same state).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate, openDatabase, run } from "./database.ts";
import { loadDevSecrets } from "@/lib/secrets/dev-secrets.ts";
import { DEFAULT_RESTART_POLICY, supervise, type RestartInfo, type SupervisedPart } from "./supervisor.ts";
import { isFlagSet, missingInProduction, settingNow } from "@/lib/config.ts";
import { productionRefusals } from "@/lib/production-defaults.ts";
import { webServerCommand } from "./web-server.ts";
import { db } from "@/lib/db.ts";
import { recordGaveUp, recordRestart, releaseDeadWorker } from "@/lib/supervision/mutations.ts";
import type { RestartablePart } from "@/lib/supervision/parts.ts";
import { checkLocalStateConsistent } from "@/workers/xmtp-node/consistency.ts";

const mode = process.argv[2] === "start" ? "start" : "dev";
const DEV_ADMIN_EMAIL = "admin@dev.local";
const dataDir = process.env.DATA_DIR ?? ".data";
const xmtpEnv = process.env.XMTP_ENV ?? "local";
const port = process.env.PORT ?? "3000";
const log = (line: string) => console.log(`[run] ${line}`);

const parts: SupervisedPart[] = [];
let stopping = false;

interface PartOptions {
  /** Extra environment for each run. */
  env?: () => Record<string, string>;
  /** Restarted when it dies (with the default policy); otherwise its death stops everything. */
  restart?: {
    part: RestartablePart;
    /** Runs before the restart, after the backoff began: cleans up after the dead run. */
    beforeRestart?: (info: RestartInfo) => Promise<void>;
    /** The id of the worker that died, recorded with the restart. */
    workerId?: () => string;
  };
  onStart?: () => void;
}

/** The default policy, with the first restart's delay from SUPERVISOR_RESTART_DELAY_MS (later ones double it). */
const restartPolicy = {
  ...DEFAULT_RESTART_POLICY,
  initialDelayMs: settingNow("SUPERVISOR_RESTART_DELAY_MS"),
};

function start(name: string, cmd: string, args: string[], opts: PartOptions = {}): SupervisedPart {
  const part = supervise(
    {
      name,
      command: cmd,
      args,
      env: () => ({ ...process.env, ...env, ...opts.env?.() }),
      restart: opts.restart ? restartPolicy : undefined,
    },
    {
      onStart: () => opts.onStart?.(),
      onRestart: async (info) => {
        if (stopping || !opts.restart) return;
        const { maxTries } = restartPolicy;
        log(
          `${name} exited (${info.exit}); restarting it in ${info.delayMs / 1000} s (restart ${info.attempt} of at most ${maxTries} in a row)`,
        );
        await opts.restart.beforeRestart?.(info);
        const { part: restarted, workerId: deadWorker } = opts.restart;
        await recordRestart({
          part: restarted,
          exit: info.exit,
          attempt: info.attempt,
          delayMs: info.delayMs,
          workerId: deadWorker?.(),
        });
      },
      onHookError: (partName, err) =>
        log(
          `${partName}: cleaning up before its restart failed (${err instanceof Error ? err.message : err}); restarting it anyway`,
        ),
      onFailed: ({ exit, gaveUp, tries }) => {
        if (stopping) return;
        if (!gaveUp || !opts.restart) {
          log(`${name} exited (${exit}); stopping the rest`);
          void shutdown(1);
          return;
        }
        log(
          `${name} kept crashing at start-up: given up after ${tries} restarts (last exit: ${exit}); stopping the rest`,
        );
        void withTimeout(recordGaveUp(opts.restart.part, exit, tries))
          .catch(() => {})
          .then(() => shutdown(1));
      },
    },
  );
  parts.push(part);
  part.start();
  return part;
}

/** The embedded server is what the web app serves from: when it dies, everything stops (exit code 1). */
function watchEmbeddedDatabase(dir: string) {
  const pid = Number(fs.readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      clearInterval(timer);
      if (stopping) return;
      log("database exited; stopping the rest");
      stopDatabase = async () => {}; // its stop() would wait forever for an exit that already happened
      void shutdown(1);
    }
  }, 1_000);
  timer.unref();
}

/** A database write that must not hold up stopping or restarting. */
function withTimeout<T>(promise: Promise<T>, ms = 5_000): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms, undefined, { ref: false }).then((): never => {
      throw new Error("timed out");
    }),
  ]);
}

let stopDatabase: () => Promise<void> = async () => {};

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const part of [...parts].reverse()) {
    await part.stop("SIGTERM", 10_000);
    log(`${part.name} stopped`);
  }
  if (process.env.DATABASE_URL) await db.$disconnect().catch(() => {});
  await stopDatabase();
  log("database stopped");
  process.exit(code);
}

/** A second signal: kill what is left at once and leave. */
function exitNow(code: number) {
  for (const part of parts) part.kill();
  process.exit(code);
}
process.on("SIGINT", () => (stopping ? exitNow(130) : void shutdown(0)));
process.on("SIGTERM", () => (stopping ? exitNow(143) : void shutdown(0)));

const env: Record<string, string> = {
  DATA_DIR: dataDir,
  XMTP_ENV: xmtpEnv,
  NEXT_TELEMETRY_DISABLED: "1",
  XMTP_NODE_LOG_LEVEL: process.env.XMTP_NODE_LOG_LEVEL ?? "warn",
};
if (mode === "start") {
  // Fail here, before anything starts, rather than on every request. DATABASE_URL
  // may be left out: the embedded database provides it below.
  const missing = missingInProduction(process.env).filter((name) => name !== "DATABASE_URL");
  if (missing.length > 0) {
    console.error(
      `[run] production (npm start) needs ${missing.join(" and ")} set; see docs/configuration.md`,
    );
    process.exit(1);
  }
  const refusals = productionRefusals({
    DATABASE_URL: process.env.DATABASE_URL,
    ALLOW_EMBEDDED_DATABASE: isFlagSet(process.env.ALLOW_EMBEDDED_DATABASE),
    XMTP_ENV: xmtpEnv,
    ALLOW_LOCAL_XMTP: isFlagSet(process.env.ALLOW_LOCAL_XMTP),
    POOL_API_KEY: process.env.POOL_API_KEY,
    METRICS_TOKEN: process.env.METRICS_TOKEN,
  });
  for (const refusal of refusals) console.error(`[run] production (npm start): ${refusal}`);
  if (refusals.length > 0) process.exit(1);
}
if (mode === "dev") {
  Object.assign(env, loadDevSecrets(dataDir, log));
  // The development sign-in is an explicit flag; the dev command sets it unless told otherwise.
  env.ENABLE_DEV_SIGNIN = process.env.ENABLE_DEV_SIGNIN ?? "1";
  // So /admin can be tried on a fresh clone: the sign-in page names this address in development.
  env.ADMIN_EMAILS = process.env.ADMIN_EMAILS ?? DEV_ADMIN_EMAIL;
  log(`development admins (ADMIN_EMAILS): ${env.ADMIN_EMAILS}`);
}

if (xmtpEnv === "local") {
  const problem = checkLocalStateConsistent(dataDir);
  if (problem) {
    console.error(`[run] ${problem}`);
    process.exit(1);
  }
}

const database = await openDatabase({ dataDir });
stopDatabase = database.stop;
env.DATABASE_URL = database.url;
// This process records restarts (lib/supervision) through the shared client, which reads it from here.
process.env.DATABASE_URL = database.url;
log(database.embedded ? `embedded PostgreSQL on port ${database.embedded.port}` : "using DATABASE_URL");
if (database.embedded) watchEmbeddedDatabase(path.join(dataDir, "postgres"));
try {
  await migrate(database.url);
  await run("npx", ["tsx", "prisma/seed.ts"], env);
  log("migrations applied, catalog seeded");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}

// The worker's background work (refilling the pool: key generation, MLS, the
// local node answering it) yields the CPU to the web app's requests when they
// share a machine: without this, a launch right after another one waited on
// the worker making its replacement (p95 212 ms instead of 74 ms on 2 cores;
// bench/claim-http.ts). Threads inherit the niceness, so `nice` covers them all.
const background = (script: string) => ["-n", "10", "node_modules/.bin/tsx", script];

// Each run of the worker gets its own id, so that after it dies the run command
// knows which leases to hand back (only that dead worker's).
let workerId = "";
const newWorkerId = () => (workerId = `${os.hostname()}-run-${randomUUID().slice(0, 8)}`);
/** Parts whose XMTP clients talk to the local node: stopped while it is down, started again after it. */
const nodeClients: SupervisedPart[] = [];
if (xmtpEnv === "local") {
  let nodeRuns = 0;
  start("xmtp-node", "nice", background("workers/xmtp-node/main.ts"), {
    restart: {
      part: "xmtp-node",
      beforeRestart: async () => {
        log("stopping the worker until the local XMTP node is back");
        await Promise.all(nodeClients.map((part) => part.stop("SIGTERM", 10_000)));
      },
    },
    onStart: () => {
      if (nodeRuns++ > 0 && !stopping) for (const part of nodeClients) part.start();
    },
  });
}
const worker = start("worker", "nice", background("workers/agents/main.ts"), {
  env: () => ({ WORKER_ID: newWorkerId() }),
  restart: {
    part: "worker",
    workerId: () => workerId,
    beforeRestart: async () => {
      const released = await withTimeout(releaseDeadWorker(workerId));
      if (released > 0) log(`handed back the dead worker's ${released} leases`);
    },
  },
});
nodeClients.push(worker);
if (mode === "start" && !fs.existsSync(".next/BUILD_ID")) {
  console.error("[run] no production build: run `npm run build` first");
  await shutdown(1);
}
const web = webServerCommand(mode, { ...process.env, PORT: port });
start("web", web.command, web.args, { env: () => web.env });
log(`web on http://localhost:${port}${web.note}`);
