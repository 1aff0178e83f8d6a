/**
 * The warm pool's writes. The deficit is decided under a transaction-scoped
 * advisory lock (pg_advisory_xact_lock), and the slots are reserved in the same
 * transaction as `provisioning` rows leased to the deciding worker. A second
 * worker deciding at the same moment waits for the lock and then counts those
 * rows, so together the workers never overshoot `targetIdle`.
 *
 * Counted towards the target: idle, provisioning, and failed creator
 * identities still waiting for a retry (they become provisioning again here,
 * when their nextAttemptAt has come). After MAX_ATTEMPTS a failed identity is
 * retired and stops counting, so a permanently broken one cannot starve the pool.
 */
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { getPoolSettings } from "./settings";
import { backoffMs, type BackoffOptions } from "@/lib/identities/backoff";

/** Arbitrary constant naming the pool's advisory lock. */
const POOL_LOCK_KEY = 7_412_001;
export const MAX_ATTEMPTS = 8;

export interface Reservation {
  id: string;
  attempts: number;
}

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
        AND (status IN ('idle', 'provisioning') OR (status = 'failed' AND attempts < ${MAX_ATTEMPTS}))`;
    // Retries are already counted in `pending`; new rows fill what is left of the deficit.
    const retries = await tx.$queryRaw<Reservation[]>`
      UPDATE "Identity" SET status = 'provisioning', "leaseOwner" = ${workerId},
        "leaseExpiresAt" = now() + ${leaseMs}::int * interval '1 millisecond', "updatedAt" = now()
      WHERE id IN (
        SELECT id FROM "Identity"
        WHERE status = 'failed' AND "agentId" IS NULL AND role = 'creator' AND attempts < ${MAX_ATTEMPTS}
          AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= now())
        ORDER BY "nextAttemptAt" NULLS FIRST LIMIT ${capacity}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, attempts`;
    const fresh = Math.min(capacity - retries.length, target - pending);
    const created: Reservation[] = [];
    for (let i = 0; i < fresh; i++) {
      const id = randomUUID();
      await tx.$executeRaw`
        INSERT INTO "Identity" (id, status, role, "leaseOwner", "leaseExpiresAt", "updatedAt")
        VALUES (${id}, 'provisioning', 'creator', ${workerId}, now() + ${leaseMs}::int * interval '1 millisecond', now())`;
      created.push({ id, attempts: 0 });
    }
    return [...retries, ...created];
  });
}

export interface WarmIdentity {
  inboxId: string;
  address: string;
  encryptedWalletKey: Uint8Array<ArrayBuffer>;
  encryptedDbKey: Uint8Array<ArrayBuffer>;
  conversationId: string;
  inviteUrl: string;
  inviteTag: string;
  /** The home of its XMTP database (lib/xmtp/home.ts). */
  homeKey: string;
}

/** Makes a reserved identity claimable (idle) and releases its lease; false when the lease was lost meanwhile. */
export async function markIdle(id: string, workerId: string, warm: WarmIdentity): Promise<boolean> {
  const { count } = await db.identity.updateMany({
    where: { id, leaseOwner: workerId, status: "provisioning" },
    data: {
      ...warm,
      status: "idle",
      leaseOwner: null,
      leaseExpiresAt: null,
      lastError: null,
      nextAttemptAt: null,
    },
  });
  return count === 1;
}

/** A half-made identity is discarded whole and unleased: its retry starts from a fresh key. */
const DISCARD_HALF_MADE = {
  leaseOwner: null,
  leaseExpiresAt: null,
  inboxId: null,
  address: null,
  encryptedWalletKey: null,
  encryptedDbKey: null,
} as const;

/** Marks a reserved identity failed with its error and the time of its next attempt (capped backoff + jitter). */
export async function markProvisioningFailed(
  id: string,
  workerId: string,
  attempts: number,
  error: string,
  backoff?: BackoffOptions,
): Promise<Date> {
  const next = new Date(Date.now() + backoffMs(attempts + 1, backoff));
  const retire = attempts + 1 >= MAX_ATTEMPTS;
  await db.identity.updateMany({
    where: { id, leaseOwner: workerId },
    data: {
      status: retire ? "retired" : "failed",
      attempts: attempts + 1,
      nextAttemptAt: next,
      lastError: error.slice(0, 2000),
      ...DISCARD_HALF_MADE,
    },
  });
  return next;
}

/** On shutdown: identities this worker was still creating go back to the pool's retry queue at once. */
export async function abandonProvisioning(workerId: string): Promise<number> {
  const { count } = await db.identity.updateMany({
    where: { leaseOwner: workerId, status: "provisioning" },
    data: {
      status: "failed",
      lastError: "the worker stopped while creating it",
      nextAttemptAt: new Date(),
      ...DISCARD_HALF_MADE,
    },
  });
  return count;
}
