/**
 * This worker in the Worker table: registration, the heartbeat that also
 * renews every lease it holds (reporting leases it lost, e.g. after a long
 * pause let another worker take them) and records the process's memory, and
 * the jittered sweep of stale leases. The row also carries what placement needs
 * (its home and WORKER_MAX_AGENTS), the live-agent count /admin shows, and the
 * admin's drain flag, read back on each heartbeat.
 */
import type { Logger } from "pino";
import { renewLeases, sweepStaleLeases } from "@/lib/identities";
import type { WorkerStats } from "@/lib/metrics/worker-stats";
import { markWorkerStopped, recordHeartbeat, registerWorker } from "@/lib/workers/worker-status";
import { repeat } from "./timers";

/** This process's resident memory, for the admin page's per-worker view. */
const rss = () => BigInt(process.memoryUsage.rss());

export interface RegistryOptions {
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
  sweepMs: number;
  log: Logger;
  homeKey: string;
  maxAgents: number;
  /** How many agents this worker runs now (reported with each heartbeat). */
  liveAgents: () => number;
  /** Called after each heartbeat with the admin's drain flag. */
  onDraining: (draining: boolean) => void;
  /** Called with the set of identity ids this worker still holds after each renewal. */
  onRenewed: (held: Set<string>) => void;
  /** The worker's counters (./stats.ts), recorded with each heartbeat and at close. */
  stats?: () => WorkerStats;
}

/** Registers the worker row (insert or revive) and starts heartbeat and sweep loops; `close()` marks it stopped. */
export async function startRegistry(o: RegistryOptions): Promise<{ close(): Promise<void> }> {
  await registerWorker({ workerId: o.workerId, homeKey: o.homeKey, maxAgents: o.maxAgents, rssBytes: rss() });
  const heartbeat = repeat(
    o.heartbeatMs,
    async () => {
      const { draining } = await recordHeartbeat(o.workerId, {
        liveAgents: o.liveAgents(),
        rssBytes: rss(),
        stats: o.stats?.(),
      });
      o.onRenewed(await renewLeases(o.workerId, o.leaseMs));
      o.onDraining(draining);
    },
    (err) => o.log.warn({ err }, "heartbeat failed"),
    { immediate: false },
  );
  const sweep = repeat(
    o.sweepMs,
    async () => {
      const n = await sweepStaleLeases();
      if (n > 0) o.log.info({ swept: n }, "swept stale leases");
    },
    (err) => o.log.warn({ err }, "lease sweep failed"),
    { jitter: 0.5 },
  );
  return {
    async close() {
      await Promise.all([heartbeat.close(), sweep.close()]);
      await markWorkerStopped(o.workerId, o.stats?.());
    },
  };
}
