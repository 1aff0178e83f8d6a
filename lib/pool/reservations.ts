/**
 * The warm pool's reservations. The deficit is decided under a transaction-scoped
 * advisory lock (pg_advisory_xact_lock), and the slots are reserved in the same
 * transaction as `provisioning` rows leased to the deciding worker. A second
 * worker deciding at the same moment waits for the lock and then counts those
 * rows, so together the workers never overshoot `targetIdle`.
 *
 * Counted towards the target: idle, provisioning, and failed creator
 * identities still waiting for a retry (they become provisioning again here,
 * when their nextAttemptAt has come). After MAX_PROVISIONING_ATTEMPTS a failed
 * identity is retired and stops counting, so a permanently broken one cannot
 * starve the pool. The status changes are lib/identities/identity-status.ts's.
 */
import { db } from "@/lib/db";
import { getPoolSettings } from "./settings";
import {
  insertProvisioning,
  MAX_PROVISIONING_ATTEMPTS,
  retryFailedProvisioning,
  WARM_IDENTITY_STATUSES,
  type Reservation,
} from "@/lib/identities/identity-status";

/** Arbitrary constant naming the pool's advisory lock. */
const POOL_LOCK_KEY = 7_412_001;

/**
 * Reserves up to `capacity` identities to create now, as provisioning rows
 * leased to `workerId`: due retries first, then new rows for the remaining
 * deficit. Returns nothing when the pool is at its target.
 */
export async function reservePoolSlots(
  workerId: string,
  leaseMs: number,
  capacity: number,
): Promise<Reservation[]> {
  if (capacity <= 0) return [];
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${POOL_LOCK_KEY}::bigint)`;
    const { targetIdle: target } = await getPoolSettings(tx);
    const [{ pending }] = await tx.$queryRaw<{ pending: number }[]>`
      SELECT count(*)::int AS pending FROM "Identity"
      WHERE "agentId" IS NULL AND role = 'creator'
        AND (status = ANY(${WARM_IDENTITY_STATUSES}::"IdentityStatus"[])
             OR (status = 'failed' AND attempts < ${MAX_PROVISIONING_ATTEMPTS}))`;
    // Retries are already counted in `pending`; new rows fill what is left of the deficit.
    const retries = await retryFailedProvisioning(tx, workerId, leaseMs, capacity);
    const fresh = Math.min(capacity - retries.length, target - pending);
    const created: Reservation[] = [];
    for (let i = 0; i < fresh; i++) created.push(await insertProvisioning(tx, workerId, leaseMs));
    return [...retries, ...created];
  });
}
