/**
 * Readiness: 503 only when the database does not answer. `workers` is the
 * number of agent workers up (heartbeated within a lease: lib/workers/worker-status.ts; 0 means
 * claims still work from the warm pool, but nothing refills it or takes agents over).
 * `worker` says whether one is up, being restarted by the run command, or down;
 * `restartsLastDay` counts the run command's restarts per part.
 * A database that does not answer within DATABASE_CHECK_MS counts as down, so
 * a load balancer hears 503 within 2 s even when connections hang.
 */
import { supervisionHealth } from "@/lib/supervision/queries";
import { countUpWorkers } from "@/lib/workers/worker-status";

export const dynamic = "force-dynamic";

const DATABASE_CHECK_MS = 1_500;

const down = () => Response.json({ ok: false, database: "down" }, { status: 503 });

/** Resolves with `work`'s result, or rejects once `ms` passed (the work itself is left to its own timeouts). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** What the health answer says beyond `ok`: workers up, then the supervision's view of them. */
async function readiness() {
  const workers = await countUpWorkers();
  return { workers, ...(await supervisionHealth(workers)) };
}

export async function GET() {
  let body: Awaited<ReturnType<typeof readiness>>;
  try {
    body = await within(DATABASE_CHECK_MS, readiness());
  } catch {
    return down();
  }
  return Response.json({ ok: true, database: "up", ...body });
}
