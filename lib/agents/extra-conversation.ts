/**
 * `/invite` from an agent's operator: one more conversation for an existing
 * agent, from a warm identity (so it gets its own inbox and nothing links it to
 * the agent's other conversations). Same shape as claim.ts, in ONE statement:
 * the oldest idle identity is row-locked (FOR UPDATE SKIP LOCKED) and stamped
 * `claimed` for the agent (CLAIM, lib/identities/identity-status.ts), as a
 * non-owner conversation, only while the agent is live, leased at once to the worker that asked (so no other worker's
 * polling races it for the handoff); if that worker crashes, the lease
 * expires and the polling fallback (claimed identities of live agents) hands
 * it over. Only a warm identity of the asking worker's home is picked (`homeKey`): it is about to run there.
 */
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { CLAIM } from "@/lib/identities/identity-status";
import { PoolEmptyError } from "@/lib/pool/errors";
import { recordClaim } from "@/lib/events/mutations";

export interface ExtraConversation {
  identityId: string;
  inviteUrl: string;
  conversationId: string;
  inboxId: string;
}

/**
 * Claims one idle warm identity as an extra conversation of a live agent; throws PoolEmptyError.
 * `tx`: the transaction of the claim limits (lib/agents/limits.ts claimExtraWithinLimits).
 */
export async function claimExtraConversation(
  agentId: string,
  workerId: string,
  leaseMs: number,
  tx: Prisma.TransactionClient = db,
  homeKey?: string,
  /** The new conversation's name, kept for /conversations and the agent page. */
  name?: string,
): Promise<ExtraConversation> {
  const home = homeKey ?? null;
  const conversationName = name ?? null;
  const started = performance.now();
  const rows = await tx.$queryRaw<ExtraConversation[]>`
    WITH picked AS (
      SELECT id FROM "Identity"
      WHERE status = ANY(${CLAIM.from}::"IdentityStatus"[]) AND "inviteUrl" IS NOT NULL
        AND (${home}::text IS NULL OR "homeKey" IS NULL OR "homeKey" = ${home})
        AND EXISTS (SELECT 1 FROM "Agent" WHERE id = ${agentId} AND status = 'live')
      ORDER BY "createdAt", id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "Identity" AS i
    SET status = ${CLAIM.to}::"IdentityStatus", "agentId" = ${agentId}, "isOwnerConversation" = false,
        "claimedAt" = now(), "updatedAt" = now(), "leaseOwner" = ${workerId},
        "conversationName" = ${conversationName},
        "leaseExpiresAt" = now() + ${leaseMs}::int * interval '1 millisecond'
    FROM picked WHERE i.id = picked.id
    RETURNING i.id AS "identityId", i."inviteUrl" AS "inviteUrl", i."conversationId" AS "conversationId",
              i."inboxId" AS "inboxId"`;
  const row = rows[0];
  if (!row) throw new PoolEmptyError();
  await recordClaim(
    { agentId, identityId: row.identityId, latencyMs: Math.round(performance.now() - started) },
    tx,
  );
  return row;
}
