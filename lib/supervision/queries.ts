/**
 * Whether the worker is up, and how often the run command restarted its parts,
 * for /api/health, the admin page and the metrics. Reads only.
 */
import { db } from "@/lib/db";
import { RESTARTABLE_PARTS, type RestartCounts } from "./parts";

/**
 * `up`: a worker heartbeated recently. `restarting`: none did, and the run
 * command recorded a restart since the last heartbeat (it is bringing one
 * back). `down`: none did and nothing is bringing one back.
 */
export type WorkerState = "up" | "restarting" | "down";

const DAY_MS = 86_400_000;

/** Restarts per part since `since` (all of them when omitted). */
export async function restartCounts(since?: Date): Promise<RestartCounts> {
  const rows = await db.$queryRaw<{ part: string | null; n: bigint }[]>`
    SELECT data->>'part' AS part, count(*) AS n FROM "Event"
    WHERE kind = 'restart' AND "createdAt" >= ${since ?? new Date(0)}
    GROUP BY 1`;
  const counts = Object.fromEntries(RESTARTABLE_PARTS.map((p) => [p, 0])) as RestartCounts;
  for (const row of rows) {
    if (row.part && row.part in counts) counts[row.part as keyof RestartCounts] = Number(row.n);
  }
  return counts;
}

/** The worker's state given how many workers heartbeated recently (the health check counts them). */
export async function workerState(freshWorkers: number): Promise<WorkerState> {
  if (freshWorkers > 0) return "up";
  const [lastHeartbeat, lastRestart] = await Promise.all([
    db.worker.aggregate({ _max: { heartbeatAt: true } }),
    db.event.findFirst({
      where: { kind: "restart" },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    }),
  ]);
  const heartbeatAt = lastHeartbeat._max.heartbeatAt?.getTime() ?? 0;
  return lastRestart && lastRestart.createdAt.getTime() > heartbeatAt ? "restarting" : "down";
}

export interface SupervisionHealth {
  worker: WorkerState;
  /** Restarts per part in the last 24 hours. */
  restartsLastDay: RestartCounts;
}

export async function supervisionHealth(freshWorkers: number, now = new Date()): Promise<SupervisionHealth> {
  const [worker, restartsLastDay] = await Promise.all([
    workerState(freshWorkers),
    restartCounts(new Date(now.getTime() - DAY_MS)),
  ]);
  return { worker, restartsLastDay };
}
