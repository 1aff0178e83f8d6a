/**
 * This worker in the Worker table: registration, the heartbeat that also
 * renews every lease it holds (reporting leases it lost, e.g. after a long
 * pause let another worker take them) and records the process's memory, and
 * the jittered sweep of stale leases.
 */
import os from "node:os";
import type { Logger } from "pino";
import { db } from "@/lib/db";
import { renewLeases, sweepStaleLeases } from "@/lib/identities";
import type { WorkerStats } from "@/lib/metrics/worker-stats";
import { repeat } from "./timers";

/** This process's resident memory, for the admin page's per-worker view. */
const rss = () => BigInt(process.memoryUsage.rss());

export interface RegistryOptions {
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
  sweepMs: number;
  log: Logger;
  /** Called with the set of identity ids this worker still holds after each renewal. */
  onRenewed: (held: Set<string>) => void;
  /** The worker's counters (./stats.ts), recorded with each heartbeat and at stop. */
  stats?: () => WorkerStats;
}

/** Registers the worker row (insert or revive) and starts heartbeat and sweep loops; `stop()` marks it stopped. */
export async function startRegistry(o: RegistryOptions): Promise<{ stop(): Promise<void> }> {
  await db.worker.upsert({
    where: { id: o.workerId },
    create: { id: o.workerId, host: os.hostname(), pid: process.pid, rssBytes: rss() },
    update: {
      host: os.hostname(),
      pid: process.pid,
      heartbeatAt: new Date(),
      stoppedAt: null,
      rssBytes: rss(),
    },
  });
  const heartbeat = repeat(
    o.heartbeatMs,
    async () => {
      await db.worker.update({
        where: { id: o.workerId },
        data: { heartbeatAt: new Date(), rssBytes: rss(), stats: o.stats?.() },
      });
      o.onRenewed(await renewLeases(o.workerId, o.leaseMs));
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
    async stop() {
      await Promise.all([heartbeat.stop(), sweep.stop()]);
      await db.worker.update({
        where: { id: o.workerId },
        data: { stoppedAt: new Date(), stats: o.stats?.() },
      });
    },
  };
}
