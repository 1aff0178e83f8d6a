/**
 * The worker's retention pass (lib/retention/prune.ts): at start and then about
 * every `intervalMs` (jittered), deletes what is older than `retentionDays`.
 * Several workers may prune at once: the deletes don't conflict.
 */
import type { Logger } from "pino";
import { pruneOlderThan } from "@/lib/retention/prune";
import { repeat } from "./timers";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Starts pruning; `close()` waits for a pass in progress. */
export function startRetention(o: { intervalMs: number; retentionDays: number; log: Logger }) {
  return repeat(
    o.intervalMs,
    async () => {
      const started = performance.now();
      const pruned = await pruneOlderThan(new Date(Date.now() - o.retentionDays * DAY_MS));
      o.log.info({ ...pruned, durationMs: Math.round(performance.now() - started) }, "retention pass");
    },
    (err) => o.log.warn({ err }, "retention pass failed"),
    { jitter: 0.2 },
  );
}
