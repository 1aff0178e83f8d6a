/**
 * The worker's counters, kept by listening to its events (./events.ts) rather than woven into the loops:
 * answers with their durations, handoffs, members joined, failures, warm identities, leases lost, streams
 * paused for floods. The registry's heartbeat writes the snapshot to the Worker row; /api/metrics sums the rows
 * (lib/metrics/worker-stats.ts). Counts start at zero with each process.
 */
import { emptyWorkerStats, recordAnswer, type WorkerStats } from "@/lib/metrics/worker-stats";
import type { WorkerEvents } from "./events";

/** Subscribes to `events`; `snapshot()` returns a copy of the counts so far. */
export function collectWorkerStats(events: WorkerEvents): { snapshot(): WorkerStats } {
  const stats = emptyWorkerStats();
  events
    .on("agent:answered", (e) => recordAnswer(stats, e.durationMs))
    .on("agent:live", (e) => {
      if (e.liveAgain) stats.handoffs.liveAgain += 1;
      else stats.handoffs.handoff += 1;
    })
    .on("agent:member_joined", () => {
      stats.membersJoined += 1;
    })
    .on("agent:join_failed", () => {
      stats.joinsFailed += 1;
    })
    .on("agent:stopped", () => {
      stats.agentsStopped += 1;
    })
    .on("agent:failed", () => {
      stats.agentFailures += 1;
    })
    .on("pool:created", () => {
      stats.warmIdentities.created += 1;
    })
    .on("pool:failed", () => {
      stats.warmIdentities.failed += 1;
    })
    .on("lease:lost", () => {
      stats.leasesLost += 1;
    })
    .on("agent:reading_paused", () => {
      stats.readingPauses += 1;
    });
  return { snapshot: () => structuredClone(stats) };
}
