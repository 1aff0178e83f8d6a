/**
 * `npm run worker`: the agents worker as a process. SIGTERM/SIGINT close it
 * gracefully (exit within 10 s, guaranteed by an unref'd timer); a second
 * signal exits at once. The settings are resolved here, once, and passed down;
 * durations can be shortened for tests through WORKER_LEASE_MS,
 * WORKER_HEARTBEAT_MS, WORKER_POLL_MS, WORKER_GRACE_MS.
 * The process also samples the pool for the admin page's charts. A main thread
 * blocked for WORKER_WATCHDOG_MS (20 s) gets the process killed, so that its
 * supervisor restarts it (watchdog.ts).
 */
import pino from "pino";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { startPoolSampler } from "@/workers/agents/worker/sampler";
import { startWatchdog } from "@/workers/agents/worker/watchdog";
import { startWorker } from "@/workers/agents/worker/worker";

const EXIT_WITHIN_MS = 10_000;

const c = config();
const log = pino({ name: "agents", level: c.LOG_LEVEL });
// First: a start-up that hangs is a hang too.
if (c.WORKER_WATCHDOG_MS > 0)
  await startWatchdog({
    limitMs: c.WORKER_WATCHDOG_MS,
    fields: { name: "agents", workerId: c.WORKER_ID },
    onError: (err) => log.error({ err }, "the event-loop watchdog failed; the worker runs unwatched"),
  });
// Signals are handled from the first moment: a SIGTERM during start-up (a rolling restart that comes
// too soon) closes the worker once it has started, instead of killing it with leases half taken.
const starting = startWorker({ settings: c });
const sampling = starting.then((worker) =>
  startPoolSampler({
    retentionDays: c.POOL_SAMPLE_RETENTION_DAYS,
    log: log.child({ workerId: worker.id }),
  }),
);

let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  if (++signals > 1) process.exit(signal === "SIGINT" ? 130 : 143);
  setTimeout(() => process.exit(1), EXIT_WITHIN_MS).unref();
  void sampling
    .then((sampler) => sampler.close())
    .then(() => starting)
    .then((worker) => worker.close())
    .then(() => db.$disconnect())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
};
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);
await starting;
