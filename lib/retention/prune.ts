/**
 * Retention: rows that only matter for a while are deleted once older than
 * the configured age (RETENTION_DAYS), so the tables the worker writes on
 * every message don't grow forever:
 *
 *   HandledMessage     the ledger (catch-up never looks further back, see
 *                      workers/agents/runtime/catch-up.ts);
 *   Event              the timeline and metrics;
 *   PairingRequest     pending codes nobody approved (approved ones are who
 *                      may talk to the agent: kept);
 *   VerificationToken  sign-in links that expired that long ago;
 *   TokenReservation   reservations a crash left behind, released from their
 *                      agent's hold (lib/llm/budget.ts);
 *   IdempotencyKey     claims' keys once past their own 24 h window, whatever
 *                      the cutoff (lib/agents/idempotency.ts);
 *   Blob               the encrypted files agents sent (lib/files/blobs.ts), once
 *                      expired or older than the cutoff; a row naming an object
 *                      in the S3 store goes with its object (lib/files/retention.ts,
 *                      run first), or a week later if the store can't be reached.
 *
 * Deletes go in batches (PRUNE_BATCH rows a statement), so a large backlog
 * never holds locks, or runs into the statement timeout, in one long statement.
 */
import { IDEMPOTENCY_WINDOW_MS } from "@/lib/agents/idempotency";
import { db } from "@/lib/db";
import { releaseStaleReservations } from "@/lib/llm/budget";

export const PRUNE_BATCH = 5_000;
/** How long past the cutoff a row naming an S3 object waits for its object to be deleted. */
export const S3_ROW_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

export interface Pruned {
  handledMessages: number;
  events: number;
  pairingRequests: number;
  verificationTokens: number;
  tokenReservations: number;
  idempotencyKeys: number;
  blobs: number;
}

/** Runs `deleteBatch` until it deletes less than a batch; returns the total. */
async function inBatches(deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteBatch();
    total += n;
    if (n < PRUNE_BATCH) return total;
  }
}

/** Deletes the rows older than `cutoff` (see the module comment); returns how many of each. */
export async function pruneOlderThan(cutoff: Date): Promise<Pruned> {
  const handledMessages = await inBatches(
    () => db.$executeRaw`
      DELETE FROM "HandledMessage" WHERE ctid IN (
        SELECT ctid FROM "HandledMessage" WHERE "handledAt" < ${cutoff} LIMIT ${PRUNE_BATCH})`,
  );
  const events = await inBatches(
    () => db.$executeRaw`
      DELETE FROM "Event" WHERE id IN (SELECT id FROM "Event" WHERE "createdAt" < ${cutoff} LIMIT ${PRUNE_BATCH})`,
  );
  const pairingRequests = await inBatches(
    () => db.$executeRaw`
      DELETE FROM "PairingRequest" WHERE id IN (
        SELECT id FROM "PairingRequest" WHERE "approvedAt" IS NULL AND "createdAt" < ${cutoff} LIMIT ${PRUNE_BATCH})`,
  );
  const verificationTokens = await inBatches(
    () => db.$executeRaw`
      DELETE FROM "VerificationToken" WHERE ctid IN (
        SELECT ctid FROM "VerificationToken" WHERE expires < ${cutoff} LIMIT ${PRUNE_BATCH})`,
  );
  const tokenReservations = await releaseStaleReservations();
  const keysBefore = new Date(Date.now() - IDEMPOTENCY_WINDOW_MS);
  const idempotencyKeys = await inBatches(
    () => db.$executeRaw`
      DELETE FROM "IdempotencyKey" WHERE ctid IN (
        SELECT ctid FROM "IdempotencyKey" WHERE "createdAt" < ${keysBefore} LIMIT ${PRUNE_BATCH})`,
  );
  const blobs = await inBatches(
    () => db.$executeRaw`
      DELETE FROM "Blob" WHERE id IN (
        SELECT id FROM "Blob" WHERE ("expiresAt" < now() OR "createdAt" < ${cutoff})
          AND ("s3Key" IS NULL OR "createdAt" < ${new Date(cutoff.getTime() - S3_ROW_GRACE_MS)})
        LIMIT ${PRUNE_BATCH})`,
  );
  return {
    handledMessages,
    events,
    pairingRequests,
    verificationTokens,
    tokenReservations,
    idempotencyKeys,
    blobs,
  };
}
