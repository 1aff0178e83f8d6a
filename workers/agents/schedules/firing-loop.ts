/**
 * The worker's scheduler: every tick it fires the due schedules of the
 * identities this worker runs (it holds their leases) and hands each pending
 * firing to its runtime, which sends it after the messages already queued
 * (lib/schedules/firing.ts says why each run is sent once). The clock is a
 * parameter, so tests can move time.
 */
import type { Logger } from "pino";
import { fireAllDue, pendingFirings, pruneFinished, type Firing } from "@/lib/schedules/firing";
import { stopRuleThread } from "@/lib/schedules/rule-thread";
import type { AgentRuntime } from "@/workers/agents/runtime/contracts";
import { repeat } from "@/workers/agents/worker/timers";

export interface SchedulerOptions {
  running: ReadonlyMap<string, AgentRuntime>;
  clock: () => Date;
  tickMs: number;
  graceMs: number;
  log: Logger;
}

const PRUNE_EVERY_MS = 3_600_000;

/** Starts ticking; `close()` waits for the tick in progress (sends already queued finish with the runtimes). */
export function startScheduler(o: SchedulerOptions): { kick(): void; close(): Promise<void> } {
  const handedOver = new Set<string>();
  let prunedAt = 0;
  const keyOf = (f: Firing) => `${f.scheduleId}@${f.dueAt.getTime()}`;
  const ticking = repeat(
    o.tickMs,
    async () => {
      const ids = [...o.running.keys()];
      if (ids.length === 0) return;
      const { skipped } = await fireAllDue({ identityIds: ids, now: o.clock(), graceMs: o.graceMs });
      if (skipped > 0) o.log.warn({ skipped }, "schedule runs skipped: later than the grace period");
      for (const f of await pendingFirings(ids)) {
        const runtime = o.running.get(f.identityId);
        const key = keyOf(f);
        if (!runtime || handedOver.has(key)) continue;
        handedOver.add(key);
        void runtime.fire(f).finally(() => handedOver.delete(key));
      }
      if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        const pruned = await pruneFinished(o.clock());
        if (pruned.firings + pruned.schedules > 0) o.log.info(pruned, "finished schedules pruned");
      }
    },
    (err) => o.log.warn({ err }, "firing schedules failed"),
  );
  return {
    kick: () => ticking.kick(),
    async close() {
      await ticking.close();
      await stopRuleThread(); // rules are expanded on their own thread (lib/schedules/rule-thread.ts)
    },
  };
}
