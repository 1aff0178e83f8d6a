/**
 * Pool health for the admin page and the metrics: identity counts per status,
 * workers with their heartbeat age, leases, agents and memory, claim latency percentiles over a window,
 * and recent failures. Reads only.
 */
import { db } from "@/lib/db";
import { IdentityStatus } from "@/lib/generated/prisma/enums";
import { workerIsUpSql } from "@/lib/workers/worker-status";

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
  /** Identities it holds a lease on: its agents' conversations and the warm identities it is creating. */
  leases: number;
  /** Distinct agents among them. */
  agents: number;
  /** Its memory (RSS) at its last heartbeat; null until the first one recorded it. */
  rssBytes: number | null;
  stopped: boolean;
  /** Up by the one rule (lib/workers/worker-status.ts): not stopped, heartbeated within a lease. */
  up: boolean;
  /** An admin drains it: it takes no new agents and hands its agents to the others. */
  draining: boolean;
}

/**
 * The 50 workers heard from most recently, stopped ones included, with what each carries. `leaseMs`:
 * the lease length that decides who is up (default: the deployment's WORKER_LEASE_MS).
 */
export async function workersHealth(now = new Date(), leaseMs?: number): Promise<WorkerHealth[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      host: string;
      pid: number;
      startedAt: Date;
      heartbeatAt: Date;
      stoppedAt: Date | null;
      up: boolean;
      draining: boolean;
      rssBytes: bigint | null;
      leases: bigint;
      agents: bigint;
    }[]
  >`
    SELECT w.id, w.host, w.pid, w."startedAt", w."heartbeatAt", w."stoppedAt", w.draining, w."rssBytes",
           ${workerIsUpSql("w", leaseMs)} AS up, count(i.id) AS leases, count(DISTINCT i."agentId") AS agents
    FROM "Worker" w LEFT JOIN "Identity" i ON i."leaseOwner" = w.id
    GROUP BY w.id
    ORDER BY w."heartbeatAt" DESC
    LIMIT 50`;
  return rows.map((w) => ({
    id: w.id,
    host: w.host,
    pid: w.pid,
    startedAt: w.startedAt,
    heartbeatAgeMs: now.getTime() - w.heartbeatAt.getTime(),
    leases: Number(w.leases),
    agents: Number(w.agents),
    rssBytes: w.rssBytes === null ? null : Number(w.rssBytes),
    stopped: w.stoppedAt !== null,
    up: w.up,
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
