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
 * exits at once. When any part dies, the rest is stopped too.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { migrate, openDatabase, run } from "./database.ts";
import { loadDevSecrets } from "./dev-secrets.ts";
import { isFlagSet, missingInProduction } from "../lib/config.ts";
import { productionRefusals } from "../lib/production-defaults.ts";
import { webServerOptions } from "./web-server.ts";
import { localStateProblem } from "../workers/xmtp-node/consistency.ts";

const mode = process.argv[2] === "start" ? "start" : "dev";
const DEV_ADMIN_EMAIL = "admin@dev.local";
const dataDir = process.env.DATA_DIR ?? ".data";
const xmtpEnv = process.env.XMTP_ENV ?? "local";
const port = process.env.PORT ?? "3000";
const log = (line: string) => console.log(`[run] ${line}`);

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

/**
 * Each part runs in its own process group (detached), and is stopped by
 * signalling the whole group: `npx` and `tsx` start grandchildren that a
 * signal to the direct child would leave behind as orphans.
 */
function start(name: string, cmd: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(cmd, args, { stdio: "inherit", env: { ...process.env, ...env }, detached: true });
  children.push({ name, child });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the rest`);
      void shutdown(code ?? 1);
    }
  });
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Resolves once no process of the child's group is left. */
async function groupGone(child: ChildProcess): Promise<void> {
  for (;;) {
    try {
      if (!child.pid) return;
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

let stopDatabase: () => Promise<void> = async () => {};

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const { name, child } of [...children].reverse()) {
    signalGroup(child, "SIGTERM");
    const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 10_000);
    await groupGone(child);
    clearTimeout(timer);
    log(`${name} stopped`);
  }
  await stopDatabase();
  log("database stopped");
  process.exit(code);
}

/** A second signal: kill what is left at once and leave. */
function exitNow(code: number) {
  for (const { child } of children) signalGroup(child, "SIGKILL");
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
      `[run] production (npm start) needs ${missing.join(" and ")} set; see the README's configuration table`,
    );
    process.exit(1);
  }
  const refusals = productionRefusals({
    DATABASE_URL: process.env.DATABASE_URL,
    ALLOW_EMBEDDED_DATABASE: isFlagSet(process.env.ALLOW_EMBEDDED_DATABASE),
    XMTP_ENV: xmtpEnv,
    ALLOW_LOCAL_XMTP: isFlagSet(process.env.ALLOW_LOCAL_XMTP),
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
  const problem = localStateProblem(dataDir);
  if (problem) {
    console.error(`[run] ${problem}`);
    process.exit(1);
  }
}

const database = await openDatabase({ dataDir });
stopDatabase = database.stop;
env.DATABASE_URL = database.url;
log(database.embedded ? `embedded PostgreSQL on port ${database.embedded.port}` : "using DATABASE_URL");
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
const startInBackground = (name: string, script: string) =>
  start(name, "nice", ["-n", "10", "node_modules/.bin/tsx", script], env);
if (xmtpEnv === "local") startInBackground("xmtp-node", "workers/xmtp-node/main.ts");
startInBackground("worker", "workers/agents/main.ts");
if (mode === "start" && !fs.existsSync(".next/BUILD_ID")) {
  console.error("[run] no production build: run `npm run build` first");
  await shutdown(1);
}
const web = webServerOptions(mode, process.env);
start("web", "node_modules/.bin/next", [mode, "-p", port, ...web.args], { ...env, ...web.env });
log(`web on http://localhost:${port}${web.note}`);
