/**
 * What each running worker carries right now, for the admin page: the agents
 * whose identities it holds a lease on, its memory (RSS, recorded with each
 * heartbeat) and how long ago it heartbeated. Stopped workers are left out.
 */
import { db } from "@/lib/db";

export interface WorkerLoad {
  id: string;
  host: string;
  /** Distinct agents among the identities this worker holds a lease on. */
  agents: number;
  /** Null until the worker's first heartbeat recorded it. */
  rssBytes: number | null;
  heartbeatAgeMs: number;
}

export async function workerLoad(now = new Date()): Promise<WorkerLoad[]> {
  const rows = await db.$queryRaw<
    { id: string; host: string; heartbeatAt: Date; rssBytes: bigint | null; agents: bigint }[]
  >`
    SELECT w.id, w.host, w."heartbeatAt", w."rssBytes",
           count(DISTINCT i."agentId") AS agents
    FROM "Worker" w
    LEFT JOIN "Identity" i ON i."leaseOwner" = w.id AND i."agentId" IS NOT NULL
    WHERE w."stoppedAt" IS NULL
    GROUP BY w.id
    ORDER BY w.id
    LIMIT 50`;
  return rows.map((r) => ({
    id: r.id,
    host: r.host,
    agents: Number(r.agents),
    rssBytes: r.rssBytes === null ? null : Number(r.rssBytes),
    heartbeatAgeMs: now.getTime() - r.heartbeatAt.getTime(),
  }));
}
