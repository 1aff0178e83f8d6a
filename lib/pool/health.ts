/**
 * Pool health for the admin page and the metrics: identity counts per status,
 * workers with their heartbeat age, claim latency percentiles over a window,
 * and recent failures. Reads only.
 */
import { db } from "@/lib/db";
import { IdentityStatus } from "@/lib/generated/prisma/enums";

export type StatusCounts = Record<IdentityStatus, number>;

export async function identityCounts(): Promise<StatusCounts> {
  const counts = Object.fromEntries(Object.values(IdentityStatus).map((s) => [s, 0])) as StatusCounts;
  const rows = await db.identity.groupBy({ by: ["status"], _count: { _all: true } });
  for (const row of rows) counts[row.status] = row._count._all;
  return counts;
}

export interface WorkerHealth {
  id: string;
  host: string;
  pid: number;
  startedAt: Date;
  heartbeatAgeMs: number;
  leases: number;
  stopped: boolean;
  /** An admin drains it: it takes no new agents and hands its agents to the others. */
  draining: boolean;
}

export async function workersHealth(now = new Date()): Promise<WorkerHealth[]> {
  const workers = await db.worker.findMany({
    orderBy: { heartbeatAt: "desc" },
    take: 50,
    include: { _count: { select: { identities: true } } },
  });
  return workers.map((w) => ({
    id: w.id,
    host: w.host,
    pid: w.pid,
    startedAt: w.startedAt,
    heartbeatAgeMs: now.getTime() - w.heartbeatAt.getTime(),
    leases: w._count.identities,
    stopped: w.stoppedAt !== null,
    draining: w.draining,
  }));
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
}

/** Claim latency percentiles (ms) over the last `windowMs`. */
export async function claimLatency(windowMs: number): Promise<LatencySummary> {
  const since = new Date(Date.now() - windowMs);
  const [row] = await db.$queryRaw<{ count: bigint; p50: number | null; p95: number | null }[]>`
    SELECT count(*) AS count,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs") AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs") AS p95
    FROM "Event"
    WHERE kind = 'claim' AND "latencyMs" IS NOT NULL AND "createdAt" >= ${since}`;
  return { count: Number(row.count), p50: row.p50, p95: row.p95 };
}

export async function recentFailures(limit = 20) {
  return db.event.findMany({
    where: { kind: "failure" },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, createdAt: true, error: true, agentId: true, identityId: true, workerId: true },
  });
}
