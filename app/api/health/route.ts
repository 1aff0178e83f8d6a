/**
 * Readiness: 503 only when the database does not answer. `workers` is the
 * number of agent workers that heartbeated in the last 30 s (0 means claims
 * still work from the warm pool, but nothing refills it or takes agents over).
 * `worker` says whether one is up, being restarted by the run command, or down;
 * `restartsLastDay` counts the run command's restarts per part.
 */
import { db } from "@/lib/db";
import { supervisionHealth } from "@/lib/supervision/queries";

export const dynamic = "force-dynamic";

const WORKER_FRESH_MS = 30_000;

export async function GET() {
  try {
    await db.$queryRaw`SELECT 1`;
  } catch {
    return Response.json({ ok: false, database: "down" }, { status: 503 });
  }
  const freshWorkers = await db.worker.count({
    where: { stoppedAt: null, heartbeatAt: { gt: new Date(Date.now() - WORKER_FRESH_MS) } },
  });
  return Response.json({
    ok: true,
    database: "up",
    workers: freshWorkers,
    ...(await supervisionHealth(freshWorkers)),
  });
}
