/**
 * An identity's status, owned here: every change of `Identity.status` is one of
 * the named transitions below, each one statement guarded on the statuses it
 * leaves (and on the lease where a worker acts on it), so a repeated, late or
 * racing call changes nothing.
 *
 *   (new) → provisioning        the pool reserves a slot (lib/pool/reservations.ts)
 *   failed → provisioning       the pool retries a failed one once its backoff passed
 *   provisioning → idle         created: warm and claimable
 *   provisioning → failed       creating it failed, its worker stopped or vanished
 *   provisioning → retired      it failed MAX_PROVISIONING_ATTEMPTS times
 *   idle → claimed              a claim, a restart, an /invite (the claims' one statements use CLAIM)
 *   claimed → idle              a direct add nobody made in time: back to the pool (releaseUnadded)
 *   (new) → joining             a joiner identity of a join-claim or of a /join
 *   claimed, joining, live, failed → live   handed off (live again after a restart; a
 *                                           joiner's retried join succeeded)
 *   joining, failed → failed    a join failed
 *   claimed, live, joining, failed → retired   its agent stopped: keys wiped, never used again
 *
 * lib/transitions.test.ts holds the table to this list and checks that no
 * other module writes an identity's status.
 */
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { IdentityStatus } from "@/lib/generated/prisma/enums";
import { NEW, type TransitionTable } from "@/lib/transitions";
import { backoffMs, type BackoffOptions } from "./backoff";

export const IDENTITY_TRANSITIONS = {
  reserve: { from: [NEW], to: "provisioning" },
  retryProvisioning: { from: ["failed"], to: "provisioning" },
  warm: { from: ["provisioning"], to: "idle" },
  failProvisioning: { from: ["provisioning"], to: "failed" },
  retireProvisioning: { from: ["provisioning"], to: "retired" },
  claim: { from: ["idle"], to: "claimed" },
  releaseUnadded: { from: ["claimed"], to: "idle" },
  createJoiner: { from: [NEW], to: "joining" },
  goLive: { from: ["claimed", "joining", "live", "failed"], to: "live" },
  failJoin: { from: ["joining", "failed"], to: "failed" },
  retire: { from: ["claimed", "live", "joining", "failed"], to: "retired" },
} as const satisfies TransitionTable<IdentityStatus>;

/** idle → claimed, as a clause of the claims' one statements (claim-warm-identity.ts, extra-conversation.ts). */
export const CLAIM = IDENTITY_TRANSITIONS.claim;

/** An identity of a running agent: its conversation is handed off, joined or run (placement's demand). */
export const ACTIVE_IDENTITY_STATUSES = ["claimed", "live", "joining"] as const satisfies IdentityStatus[];

/** In the warm pool or on its way there: counted towards the pool's target. */
export const WARM_IDENTITY_STATUSES = ["idle", "provisioning"] as const satisfies IdentityStatus[];

/** A joiner identity whose join is pending or failed and to be retried. */
export const JOINING_IDENTITY_STATUSES = IDENTITY_TRANSITIONS.failJoin.from;

/** After this many failed attempts a provisioning identity is retired and stops counting towards the pool. */
export const MAX_PROVISIONING_ATTEMPTS = 8;

type Tx = Prisma.TransactionClient;

// ---------- The warm pool ----------

export interface Reservation {
  id: string;
  attempts: number;
}

/** (new) → provisioning: a fresh pool slot leased to `workerId`. */
export async function insertProvisioning(tx: Tx, workerId: string, leaseMs: number): Promise<Reservation> {
  const id = randomUUID();
  await tx.$executeRaw`
    INSERT INTO "Identity" (id, status, role, "leaseOwner", "leaseExpiresAt", "updatedAt")
    VALUES (${id}, ${IDENTITY_TRANSITIONS.reserve.to}::"IdentityStatus", 'creator', ${workerId},
            now() + ${leaseMs}::int * interval '1 millisecond', now())`;
  return { id, attempts: 0 };
}

/** failed → provisioning: up to `limit` failed creator identities whose backoff has passed, leased to `workerId`. */
export async function retryFailedProvisioning(
  tx: Tx,
  workerId: string,
  leaseMs: number,
  limit: number,
): Promise<Reservation[]> {
  const t = IDENTITY_TRANSITIONS.retryProvisioning;
  return tx.$queryRaw<Reservation[]>`
    UPDATE "Identity" SET status = ${t.to}::"IdentityStatus", "leaseOwner" = ${workerId},
      "leaseExpiresAt" = now() + ${leaseMs}::int * interval '1 millisecond', "updatedAt" = now()
    WHERE id IN (
      SELECT id FROM "Identity"
      WHERE status = ANY(${t.from}::"IdentityStatus"[]) AND "agentId" IS NULL AND role = 'creator'
        AND attempts < ${MAX_PROVISIONING_ATTEMPTS} AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= now())
      ORDER BY "nextAttemptAt" NULLS FIRST LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, attempts`;
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

/** provisioning → idle: claimable, its lease released; false when the lease was lost meanwhile. */
export async function markIdle(id: string, workerId: string, warm: WarmIdentity): Promise<boolean> {
  const t = IDENTITY_TRANSITIONS.warm;
  const { count } = await db.identity.updateMany({
    where: { id, leaseOwner: workerId, status: { in: [...t.from] } },
    data: {
      ...warm,
      status: t.to,
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

/**
 * provisioning → failed, with its error and the time of its next attempt (capped backoff + jitter); → retired
 * at MAX_PROVISIONING_ATTEMPTS. Only while `workerId` holds it.
 */
export async function markProvisioningFailed(
  id: string,
  workerId: string,
  attempts: number,
  error: string,
  backoff?: BackoffOptions,
): Promise<Date> {
  const next = new Date(Date.now() + backoffMs(attempts + 1, backoff));
  const t =
    attempts + 1 >= MAX_PROVISIONING_ATTEMPTS
      ? IDENTITY_TRANSITIONS.retireProvisioning
      : IDENTITY_TRANSITIONS.failProvisioning;
  await db.identity.updateMany({
    where: { id, leaseOwner: workerId, status: { in: [...t.from] } },
    data: {
      status: t.to,
      attempts: attempts + 1,
      nextAttemptAt: next,
      lastError: error.slice(0, 2000),
      ...DISCARD_HALF_MADE,
    },
  });
  return next;
}

/** On shutdown or a worker's death: provisioning → failed, due at once (the pool's retry queue). */
export async function abandonProvisioning(workerId: string): Promise<number> {
  const t = IDENTITY_TRANSITIONS.failProvisioning;
  const { count } = await db.identity.updateMany({
    where: { leaseOwner: workerId, status: { in: [...t.from] } },
    data: {
      status: t.to,
      lastError: "the worker stopped while creating it",
      nextAttemptAt: new Date(),
      ...DISCARD_HALF_MADE,
    },
  });
  return count;
}

/** provisioning → failed for identities whose creating worker's lease expired (it vanished). */
export async function failStaleProvisioning(): Promise<number> {
  const t = IDENTITY_TRANSITIONS.failProvisioning;
  return db.$executeRaw`
    UPDATE "Identity" SET status = ${t.to}::"IdentityStatus", "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
      "lastError" = 'the worker creating it stopped heartbeating', "nextAttemptAt" = now(),
      "inboxId" = NULL, address = NULL, "encryptedWalletKey" = NULL, "encryptedDbKey" = NULL, "updatedAt" = now()
    WHERE status = ANY(${t.from}::"IdentityStatus"[]) AND "leaseExpiresAt" < now()`;
}

// ---------- Agents' identities ----------

/** idle → claimed for a restarted launch: the oldest warm identity becomes its owner conversation. */
export async function claimIdleIdentityForRestart(tx: Tx, agentId: string): Promise<boolean> {
  const picked = await tx.$executeRaw`
    UPDATE "Identity" SET status = ${CLAIM.to}::"IdentityStatus", "agentId" = ${agentId},
      "isOwnerConversation" = true, "claimedAt" = now(), "updatedAt" = now()
    WHERE id = (SELECT id FROM "Identity" WHERE status = ANY(${CLAIM.from}::"IdentityStatus"[])
                  AND "inviteUrl" IS NOT NULL
                ORDER BY "createdAt", id LIMIT 1 FOR UPDATE SKIP LOCKED)`;
  return picked === 1;
}

/**
 * claimed → idle: a direct-add identity nobody added in time goes back to the pool, unleased and free of
 * its agent; only while it still waits to be added and `workerId` holds its lease. True when released.
 */
export async function releaseUnadded(tx: Tx, identityId: string, workerId: string): Promise<boolean> {
  const t = IDENTITY_TRANSITIONS.releaseUnadded;
  const n = await tx.$executeRaw`
    UPDATE "Identity" SET status = ${t.to}::"IdentityStatus", "agentId" = NULL, "isOwnerConversation" = false,
      "claimedAt" = NULL, "addDeadline" = NULL, "addExpectedFrom" = NULL, "leaseOwner" = NULL,
      "leaseExpiresAt" = NULL, attempts = 0, "lastError" = NULL, "nextAttemptAt" = NULL, "updatedAt" = now()
    WHERE id = ${identityId} AND status = ANY(${t.from}::"IdentityStatus"[]) AND "addDeadline" IS NOT NULL
      AND "leaseOwner" = ${workerId}`;
  return n === 1;
}

export interface JoinerIdentity {
  id: string;
  agentId: string;
  /** The invite it joins through. */
  joinUrl: string;
  /** The join-claim's own conversation (else an extra `/join`). */
  ownerConversation: boolean;
  workerId: string;
  leaseMs: number;
}

/**
 * (new) → joining: the joiner identity of an agent for an invite, leased to `workerId` at once.
 */
export async function insertJoinerIdentity(tx: Tx, j: JoinerIdentity): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "Identity" (id, status, role, "agentId", "isOwnerConversation", "joinUrl", "leaseOwner",
                            "leaseExpiresAt", "updatedAt")
    VALUES (${j.id}, ${IDENTITY_TRANSITIONS.createJoiner.to}::"IdentityStatus", 'joiner', ${j.agentId},
            ${j.ownerConversation}, ${j.joinUrl}, ${j.workerId},
            now() + ${j.leaseMs}::int * interval '1 millisecond', now())`;
}

/** → live after a handoff or a join, its error cleared; false when it was not handed off (retired meanwhile). */
export async function markIdentityLive(tx: Tx, identityId: string): Promise<boolean> {
  const t = IDENTITY_TRANSITIONS.goLive;
  const { count } = await tx.identity.updateMany({
    where: { id: identityId, status: { in: [...t.from] } },
    data: { status: t.to, lastError: null, nextAttemptAt: null },
  });
  return count === 1;
}

/** joining | failed → failed with the error, one more attempt; a batch step (no await), for markJoinFailed. */
export function failJoinerIdentity(
  identityId: string,
  message: string,
): Prisma.PrismaPromise<Prisma.BatchPayload> {
  const t = IDENTITY_TRANSITIONS.failJoin;
  return db.identity.updateMany({
    where: { id: identityId, status: { in: [...t.from] } },
    data: { status: t.to, lastError: message, attempts: { increment: 1 } },
  });
}

/**
 * Retires an identity for good: keys and invite wiped, the lease released.
 * Only while this worker holds the lease, or nobody does (a stop found with
 * no worker running it), so a late worker can't retire what another runs.
 */
export async function retireIdentity(identityId: string, workerId: string): Promise<void> {
  const t = IDENTITY_TRANSITIONS.retire;
  await db.$executeRaw`
    UPDATE "Identity" SET status = ${t.to}::"IdentityStatus", "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
      "encryptedWalletKey" = NULL, "encryptedDbKey" = NULL, "inviteUrl" = NULL, "updatedAt" = now()
    WHERE id = ${identityId} AND status = ANY(${t.from}::"IdentityStatus"[])
      AND ("leaseOwner" = ${workerId} OR "leaseOwner" IS NULL OR "leaseExpiresAt" < now())`;
}
