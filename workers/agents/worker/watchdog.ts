/**
 * The event-loop watchdog of the worker process: a hang becomes a crash.
 *
 * Everything the worker does runs on one thread. If something on it never
 * returns (a library loop on a hostile input, a regex), no timer, lease
 * heartbeat or signal handler runs again: the process looks alive to the run
 * command and to systemd, which restart only processes that exit, and its
 * agents stay dark. So the main thread bumps a counter in shared memory every
 * `limitMs / 4`, and a small worker thread, which keeps running while the
 * main thread spins, checks it. When the counter has not moved for `limitMs`,
 * the thread writes one log line to stderr (synchronously: nothing else will
 * get to flush) and kills the process with SIGKILL. The supervisor then
 * restarts it as after any crash, and the restarted worker resumes its
 * agents (scripts/stack.ts, docs/systemd/convos-worker.service).
 *
 * The whole process being frozen (SIGSTOP, a suspended laptop) is no hang:
 * the thread notices that its own ticks came late and starts counting again.
 * A debugger paused at a breakpoint is a hang to the watchdog: set
 * WORKER_WATCHDOG_MS=0 to turn it off while debugging.
 *
 * The thread's code is plain JavaScript evaluated by the Worker (no loader,
 * so it starts the same under tsx, node or vitest) and loads nothing but
 * node:fs and node:worker_threads.
 */
import { once } from "node:events";
import { Worker } from "node:worker_threads";

export interface WatchdogOptions {
  /** The longest the main thread may be blocked before the process is killed. */
  limitMs: number;
  /** Fields of the log line besides the message (pino's shape: name, workerId). */
  fields?: Record<string, unknown>;
  /** The thread failed (it then watches no more); the process goes on. */
  onError(err: Error): void;
}

export interface Watchdog {
  /** Ends the watching (the process keeps running). */
  close(): Promise<void>;
}

const THREAD = `
const fs = require("node:fs");
const { workerData } = require("node:worker_threads");
const { beat, limitMs, checkMs, fields } = workerData;
let seen = Atomics.load(beat, 0);
let since = performance.now();
let lastTick = since;
setInterval(() => {
  const now = performance.now();
  // This thread's own tick came late: the whole process was frozen (SIGSTOP, suspend), not only the main thread.
  const frozen = now - lastTick > limitMs / 2;
  lastTick = now;
  const current = Atomics.load(beat, 0);
  if (current !== seen || frozen) {
    seen = current;
    since = now;
    return;
  }
  const blockedMs = Math.round(now - since);
  if (blockedMs < limitMs) return;
  const seconds = (ms) => (ms / 1000).toFixed(1) + " s";
  const msg = "event loop blocked for " + seconds(blockedMs) + " (limit " + seconds(limitMs) + "): killing the worker so that it is restarted";
  const line = JSON.stringify({ level: 60, time: Date.now(), pid: process.pid, ...fields, blockedMs, limitMs, msg });
  try {
    fs.writeSync(2, line + "\\n");
  } finally {
    process.kill(process.pid, "SIGKILL");
  }
}, checkMs);
`;

/**
 * Starts watching the calling thread's event loop; resolves once the watching thread runs. From then on
 * the process is killed once its main thread has been blocked `limitMs`.
 */
export async function startWatchdog(o: WatchdogOptions): Promise<Watchdog> {
  const beat = new Int32Array(new SharedArrayBuffer(4));
  const checkMs = Math.max(10, Math.floor(o.limitMs / 4));
  const thread = new Worker(THREAD, {
    eval: true,
    workerData: { beat, limitMs: o.limitMs, checkMs, fields: o.fields ?? {} },
    // Not the process's preloads (tsx, a test's): the thread needs nothing but its few lines.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
  });
  const beating = setInterval(() => Atomics.add(beat, 0, 1), checkMs);
  beating.unref();
  thread.on("error", o.onError);
  await once(thread, "online").catch(() => undefined); // a thread that failed to start went to onError
  thread.unref(); // never what keeps the process alive
  return {
    async close() {
      clearInterval(beating);
      await thread.terminate();
    },
  };
}
