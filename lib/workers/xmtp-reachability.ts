/**
 * Whether the XMTP network answers, as the workers see it. The web app holds no XMTP client, so each
 * worker records on its own row what its XMTP calls met (creating warm identities): the last success,
 * the last failure to reach the network with its error, and how many such failures in a row since.
 *
 * The network is unreachable when a worker that is up (lib/workers/worker-status.ts's rule) has failed
 * XMTP_UNREACHABLE_AFTER times in a row within XMTP_WINDOW_MS, reaching it not once since, and every other
 * worker up that reported anything within that window failed the same way. One worker that got through
 * recently means the network is up and a broken worker is the operator's concern (/admin shows its error);
 * a worker with nothing recent to say (draining, or idle with a full pool) neither hides nor makes an outage. Only network errors count (connection refused, unavailable, timed out): a
 * bug in our code is not the network's fault and must not hide behind "unreachable".
 *
 * /api/health, /admin and a claim on an empty pool read it, so an empty pool during an outage says
 * "the XMTP network is unreachable" instead of "the pool is refilling" forever.
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { PoolEmptyError } from "@/lib/pool/errors";
import { workerIsUpSql, workerLeaseMs } from "./worker-status";

/** Failures in a row, with no success between, that make a worker call the network unreachable. */
export const XMTP_UNREACHABLE_AFTER = 3;

/** A report older than this says nothing about now (a worker that stopped trying is not evidence). */
export const XMTP_WINDOW_MS = 15 * 60_000;

/** The words every surface uses, so an operator can search logs, /admin and the API for one phrase. */
export const XMTP_UNREACHABLE = "the XMTP network is unreachable";

/** A claim found the pool empty because no worker can reach XMTP: 503, and refilling will not help. */
export class XmtpUnreachableError extends AppError {
  constructor() {
    super(
      "xmtp_unreachable",
      `No agent is ready right now: ${XMTP_UNREACHABLE}, so the pool cannot refill. Please try again later.`,
      503,
    );
  }
}

/** Node-sdk and Node errors that mean the network was not reached (a refused port, DNS, a timeout, gRPC UNAVAILABLE). */
const NETWORK_ERROR =
  /unavailable|transport|tcp connect|connect(ion)? (error|refused|reset)|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|timed? ?out|dns error/i;

/** True when `err` says the XMTP network was not reached, rather than that a call was refused or our code failed. */
export function isXmtpNetworkError(err: unknown): boolean {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return NETWORK_ERROR.test(text);
}

/** A call of `workerId` reached the XMTP network: its run of failures ends. */
export async function recordXmtpReached(workerId: string): Promise<void> {
  await db.worker.updateMany({
    where: { id: workerId },
    data: { xmtpOkAt: new Date(), xmtpFailures: 0 },
  });
}

/** A call of `workerId` could not reach the XMTP network: one more failure in its run. */
export async function recordXmtpUnreachable(workerId: string, error: string): Promise<void> {
  await db.worker.updateMany({
    where: { id: workerId },
    data: { xmtpFailedAt: new Date(), xmtpError: error.slice(0, 500), xmtpFailures: { increment: 1 } },
  });
}

export interface XmtpReachability {
  /** `unknown`: no worker is up, or none has reported a call yet. */
  state: "reachable" | "unreachable" | "unknown";
  /** When unreachable: the most recent worker's error, for the operator. */
  error: string | null;
}

/** The network as the workers that are up see it (the rule at the top of this module). */
export async function xmtpReachability(leaseMs: number = workerLeaseMs()): Promise<XmtpReachability> {
  const [row] = await db.$queryRaw<
    { reported: number; recent: number; failing: number; error: string | null }[]
  >`
    WITH w AS (
      SELECT w.*, now() - ${XMTP_WINDOW_MS}::int * interval '1 millisecond' AS since
      FROM "Worker" w WHERE ${workerIsUpSql("w", leaseMs)})
    SELECT count(*) FILTER (WHERE "xmtpOkAt" IS NOT NULL OR "xmtpFailedAt" IS NOT NULL)::int AS reported,
           count(*) FILTER (WHERE "xmtpOkAt" > since OR "xmtpFailedAt" > since)::int AS recent,
           count(*) FILTER (WHERE "xmtpFailures" >= ${XMTP_UNREACHABLE_AFTER} AND "xmtpFailedAt" > since)::int
             AS failing,
           (array_agg("xmtpError" ORDER BY "xmtpFailedAt" DESC NULLS LAST))[1] AS error
    FROM w`;
  if (!row || row.reported === 0) return { state: "unknown", error: null };
  if (row.failing > 0 && row.failing === row.recent) return { state: "unreachable", error: row.error };
  return { state: "reachable", error: null };
}

/**
 * A claim's error as the user should read it: an empty pool while no worker can reach XMTP becomes
 * XmtpUnreachableError (refilling will not happen); anything else, or a failed read, is left as it was.
 */
export async function explainEmptyPool(error: unknown): Promise<unknown> {
  if (!(error instanceof PoolEmptyError)) return error;
  const { state } = await xmtpReachability().catch(() => ({ state: "unknown" }));
  return state === "unreachable" ? new XmtpUnreachableError() : error;
}
