/**
 * Readiness: 503 when the database does not answer. When every worker up reports that the XMTP network
 * is unreachable (lib/workers/xmtp-reachability.ts), nothing can refill the pool or carry a message, and
 * the body says so ("ok": false, "status": "degraded", "error": "the XMTP network is unreachable"), but
 * the answer stays 200: this web app still serves the catalog, the owners' pages and claims from the warm
 * pool, and a load balancer hearing 503 would take every web app out during an XMTP outage.
 * `xmtp` is `reachable`, `unreachable` or `unknown` (no worker up, or none has tried yet). `workers` is the
 * number of agent workers up (heartbeated within a lease: lib/workers/worker-status.ts; 0 means
 * claims still work from the warm pool, but nothing refills it or takes agents over).
 * `worker` says whether one is up, being restarted by the run command, or down;
 * `restartsLastDay` counts the run command's restarts per part.
 * A database that does not answer within DATABASE_CHECK_MS counts as down, so
 * a load balancer hears 503 within 2 s even when connections hang.
 */
import { supervisionHealth } from "@/lib/supervision/queries";
import { countUpWorkers } from "@/lib/workers/worker-status";
import { XMTP_UNREACHABLE, xmtpReachability } from "@/lib/workers/xmtp-reachability";

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

/** What the health answer says beyond `ok`: workers up, the supervision's view of them, the XMTP network. */
async function readiness() {
  const [workers, xmtp] = await Promise.all([countUpWorkers(), xmtpReachability()]);
  return { workers, ...(await supervisionHealth(workers)), xmtp };
}

export async function GET() {
  let body: Awaited<ReturnType<typeof readiness>>;
  try {
    body = await within(DATABASE_CHECK_MS, readiness());
  } catch {
    return down();
  }
  const { xmtp, ...rest } = body;
  if (xmtp.state === "unreachable") {
    // The workers' raw error names endpoints: /admin shows it to admins, this public answer does not.
    const degraded = { status: "degraded", error: XMTP_UNREACHABLE };
    return Response.json({ ok: false, database: "up", ...rest, xmtp: xmtp.state, ...degraded });
  }
  return Response.json({ ok: true, database: "up", ...rest, xmtp: xmtp.state });
}
