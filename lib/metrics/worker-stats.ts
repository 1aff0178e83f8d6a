/**
 * What a worker's events counted since it started: the snapshot each worker writes to its Worker row with
 * every heartbeat (workers/agents/worker/stats.ts keeps it), and its export as Prometheus counters and a histogram.
 *
 * The export sums the rows of workers that heartbeated in the last day, stopped ones included. A restart is
 * a new row starting from zero while its predecessor's row keeps its final counts (written at stop), so the
 * sums don't drop at a restart or deploy, when graphs are watched most: Prometheus reads any drop as a counter
 * reset and counts the remainder again. Summing only running workers would drop at every restart and lose
 * the counts since the last heartbeat. A row leaves the sum a day after its last heartbeat: that drop is the
 * one reset left, a day later. (A worker restarted under a fixed WORKER_ID revives its row and counts from
 * zero again: one drop there.)
 */
import { AggregatorRegistry, type Registry } from "prom-client";
import { z } from "zod";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

/** Upper bounds of the answer-duration buckets, in seconds: from an offline reply to a long model turn with tools. */
const ANSWER_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120] as const;

/** How long a worker's row counts after its last heartbeat. */
const WORKER_STATS_WINDOW_MS = 24 * 60 * 60_000;

const count = z.number().int().nonnegative();

export const workerStatsSchema = z.object({
  answers: z.object({
    count,
    sumSeconds: z.number().nonnegative(),
    /** Answers per bucket (not cumulative): one count per ANSWER_BUCKETS_SECONDS bound, then the ones above. */
    buckets: z.array(count).length(ANSWER_BUCKETS_SECONDS.length + 1),
  }),
  /** Agents made live: by a handoff of a claimed agent, or again (live already: a restart, a lost lease). */
  handoffs: z.object({ handoff: count, liveAgain: count }),
  membersJoined: count,
  joinsFailed: count,
  agentsStopped: count,
  agentFailures: count,
  warmIdentities: z.object({ created: count, failed: count }),
  leasesLost: count,
  /** Streams paused because a sender was over their rate (absent in rows written before it existed). */
  readingPauses: count.default(0),
});

export type WorkerStats = z.infer<typeof workerStatsSchema>;

export function emptyWorkerStats(): WorkerStats {
  return {
    answers: { count: 0, sumSeconds: 0, buckets: Array(ANSWER_BUCKETS_SECONDS.length + 1).fill(0) },
    handoffs: { handoff: 0, liveAgain: 0 },
    membersJoined: 0,
    joinsFailed: 0,
    agentsStopped: 0,
    agentFailures: 0,
    warmIdentities: { created: 0, failed: 0 },
    leasesLost: 0,
    readingPauses: 0,
  };
}

/** Counts one answer that took `durationMs` into `stats`. */
export function recordAnswer(stats: WorkerStats, durationMs: number): void {
  const seconds = Math.max(0, durationMs) / 1000;
  const i = ANSWER_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
  stats.answers.buckets[i === -1 ? ANSWER_BUCKETS_SECONDS.length : i] += 1;
  stats.answers.count += 1;
  stats.answers.sumSeconds += seconds;
}

/** The snapshots of workers that heartbeated within the window; a row that doesn't parse is left out. */
async function recentWorkerStats(now = new Date()): Promise<WorkerStats[]> {
  const rows = await db.worker.findMany({
    where: {
      heartbeatAt: { gte: new Date(now.getTime() - WORKER_STATS_WINDOW_MS) },
      stats: { not: Prisma.DbNull },
    },
    select: { stats: true },
  });
  return rows.flatMap((r) => {
    const parsed = workerStatsSchema.safeParse(r.stats);
    return parsed.success ? [parsed.data] : [];
  });
}

type MetricJson = {
  name: string;
  help: string;
  type: "counter" | "histogram";
  aggregator: "sum";
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
};

function counter(name: string, help: string, values: MetricJson["values"]): MetricJson {
  return { name, help, type: "counter", aggregator: "sum", values };
}

/** One worker's snapshot in prom-client's JSON form, so AggregatorRegistry can sum workers. */
function toMetricJson(s: WorkerStats): MetricJson[] {
  const duration = "convos_worker_answer_duration_seconds";
  let cumulative = 0;
  const buckets = ANSWER_BUCKETS_SECONDS.map((le, i) => {
    cumulative += s.answers.buckets[i];
    return { metricName: `${duration}_bucket`, labels: { le }, value: cumulative };
  });
  return [
    counter("convos_worker_answers_total", "Messages agents answered, summed over recent workers.", [
      { value: s.answers.count, labels: {} },
    ]),
    {
      name: duration,
      help: "Time from taking a message to its answer sent and recorded, in seconds, over recent workers.",
      type: "histogram",
      aggregator: "sum",
      values: [
        ...buckets,
        { metricName: `${duration}_bucket`, labels: { le: "+Inf" }, value: s.answers.count },
        { metricName: `${duration}_sum`, labels: {}, value: s.answers.sumSeconds },
        { metricName: `${duration}_count`, labels: {}, value: s.answers.count },
      ],
    },
    counter(
      "convos_worker_handoffs_total",
      "Agents made live by a worker: a handoff of a claimed agent (live_again=false), or an agent that was live already, after a restart or a lost lease (live_again=true).",
      [
        { value: s.handoffs.handoff, labels: { live_again: "false" } },
        { value: s.handoffs.liveAgain, labels: { live_again: "true" } },
      ],
    ),
    counter("convos_worker_members_joined_total", "Members who joined agents' conversations.", [
      { value: s.membersJoined, labels: {} },
    ]),
    counter("convos_worker_join_failures_total", "Join-claims whose join failed.", [
      { value: s.joinsFailed, labels: {} },
    ]),
    counter(
      "convos_worker_agents_stopped_total",
      "Agents a worker stopped (owner, admin, conversation ended).",
      [{ value: s.agentsStopped, labels: {} }],
    ),
    counter("convos_worker_agent_failures_total", "Handoffs that failed the agent.", [
      { value: s.agentFailures, labels: {} },
    ]),
    counter(
      "convos_worker_warm_identities_total",
      "Warm identities the pool filler created (result=created) or failed to create (result=failed).",
      [
        { value: s.warmIdentities.created, labels: { result: "created" } },
        { value: s.warmIdentities.failed, labels: { result: "failed" } },
      ],
    ),
    counter(
      "convos_worker_leases_lost_total",
      "Leases a worker found taken by another (it stopped the agent).",
      [{ value: s.leasesLost, labels: {} }],
    ),
    counter(
      "convos_worker_reading_pauses_total",
      "Times an agent stopped reading its conversation live because a sender was over their rate (a flood).",
      [{ value: s.readingPauses, labels: {} }],
    ),
  ];
}

/** A registry of the workers' counters summed over recent workers (zeros when there are none). */
export async function workerStatsRegistry(): Promise<Registry> {
  const snapshots = [emptyWorkerStats(), ...(await recentWorkerStats())];
  return AggregatorRegistry.aggregate(snapshots.map(toMetricJson));
}
