/**
 * The worker's retention pass (lib/retention/prune.ts): at start and then about
 * every `intervalMs` (jittered), deletes what is older than `retentionDays`.
 * Several workers may prune at once: the deletes don't conflict. With per-agent OpenRouter keys on, each
 * pass also sweeps the account's keys (lib/providers/openrouter/sweep.ts): orphans are deleted, and what the
 * live agents' keys spent is counted.
 */
import type { Logger } from "pino";
import { pruneOlderThan } from "@/lib/retention/prune";
import type { OpenRouterSettings } from "@/lib/providers/openrouter/settings";
import { sweepModelKeys } from "@/lib/providers/openrouter/sweep";
import { repeat } from "./timers";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Starts pruning; `close()` waits for a pass in progress. */
export function startRetention(o: {
  intervalMs: number;
  retentionDays: number;
  log: Logger;
  openRouter?: OpenRouterSettings | null;
}) {
  return repeat(
    o.intervalMs,
    async () => {
      const started = performance.now();
      const pruned = await pruneOlderThan(new Date(Date.now() - o.retentionDays * DAY_MS));
      o.log.info({ ...pruned, durationMs: Math.round(performance.now() - started) }, "retention pass");
      if (o.openRouter)
        await sweepModelKeys(o.openRouter).then(
          (swept) => o.log.info(swept, "model keys swept"),
          (err: unknown) => o.log.warn({ err }, "sweeping the model keys failed"),
        );
    },
    (err) => o.log.warn({ err }, "retention pass failed"),
    { jitter: 0.2 },
  );
}
