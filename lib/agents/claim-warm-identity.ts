/**
 * The claim primitive: a warm identity becomes a new agent's conversation in
 * ONE statement, so concurrent claims can neither take the same identity nor
 * leave an agent without one.
 *
 *   picked:  the oldest idle identity, row-locked, skipping rows another
 *            claim holds (FOR UPDATE SKIP LOCKED): no waiting, no double claim;
 *            one whose home has a worker up (lib/workers/worker-status.ts) and
 *            not draining comes first, so a claim is not handed to a home
 *            nobody can run;
 *   agent:   the agent row, inserted only if an identity was picked (`ready`:
 *            AGENT_TRANSITIONS.launch, ./agent-status.ts);
 *   claimed: the identity stamped with its agent and status `claimed` (CLAIM,
 *            lib/identities/identity-status.ts);
 *   notify:  pg_notify on AGENT_CLAIMED_CHANNEL, delivered at commit, so the
 *            worker hears of the agent only once it exists.
 *
 * A direct add (`direct`) is the same statement: the agent's source is
 * `direct` and the identity gets the deadline by which someone must add its
 * inbox to a conversation (lib/agents/direct-add.ts); its warm invite is never
 * handed out.
 *
 * An empty result means the pool was empty: nothing was written.
 */
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { AgentStatus } from "@/lib/generated/prisma/enums";
import { CLAIM } from "@/lib/identities/identity-status";
import { recordClaim } from "@/lib/events/mutations";
import { PoolEmptyError } from "@/lib/pool/errors";
import { workerIsUpSql } from "@/lib/workers/worker-status";
import { AGENT_TRANSITIONS } from "./agent-status";

export const AGENT_CLAIMED_CHANNEL = "agent_claimed";

export interface ClaimRequest {
  ownerId: string | null;
  templateId: string | null;
  name: string;
  instructions: string;
  /** Whether it greets on arrival; null or absent follows the default (lib/agents/greeting.ts). */
  greeting?: boolean | null;
}

/** A direct add: how long the identity waits to be added, and the only inbox that may add it (if known). */
export interface DirectAddRequest {
  waitMs: number;
  expectedFrom: string | null;
}

export interface ClaimedAgent {
  agentId: string;
  identityId: string;
  /** The identity's inbox: what a direct add hands out. */
  inboxId: string;
  inviteUrl: string;
  conversationId: string;
  status: AgentStatus;
  latencyMs: number;
}

interface ClaimRow {
  agent_id: string;
  identity_id: string;
  inbox_id: string;
  invite_url: string;
  conversation_id: string;
}

/**
 * Claims the oldest idle warm identity for a new agent and returns its invite at once; throws PoolEmptyError.
 * `tx`: the transaction of the claim limits (lib/agents/limits.ts), so the claim event is written with it.
 */
export async function claimWarmIdentity(
  request: ClaimRequest,
  tx: Prisma.TransactionClient = db,
  direct?: DirectAddRequest,
): Promise<ClaimedAgent> {
  const started = performance.now();
  const agentId = randomUUID();
  const source = direct ? "direct" : "launch";
  const waitMs = direct?.waitMs ?? null;
  const greeting = request.greeting ?? null;
  const rows = await tx.$queryRaw<ClaimRow[]>`
    WITH picked AS (
      SELECT id FROM "Identity"
      WHERE status = ANY(${CLAIM.from}::"IdentityStatus"[]) AND "inviteUrl" IS NOT NULL
      ORDER BY ("homeKey" IS NULL OR EXISTS (
        SELECT 1 FROM "Worker" w WHERE w."homeKey" = "Identity"."homeKey" AND NOT w.draining
          AND ${workerIsUpSql("w")})) DESC, "createdAt", id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ), agent AS (
      INSERT INTO "Agent" (id, "ownerId", "templateId", name, instructions, status, source, greeting,
                           "updatedAt")
      SELECT ${agentId}, ${request.ownerId}, ${request.templateId}, ${request.name}, ${request.instructions},
             ${AGENT_TRANSITIONS.launch.to}::"AgentStatus", ${source}::"AgentSource", ${greeting}::boolean, now()
      FROM picked
      RETURNING id
    ), claimed AS (
      UPDATE "Identity" AS i
      SET status = ${CLAIM.to}::"IdentityStatus", "agentId" = agent.id, "isOwnerConversation" = true,
          "claimedAt" = now(), "updatedAt" = now(),
          "addDeadline" = now() + ${waitMs}::int * interval '1 millisecond',
          "addExpectedFrom" = ${direct?.expectedFrom ?? null}::text
      FROM picked, agent
      WHERE i.id = picked.id
      RETURNING agent.id AS agent_id, i.id AS identity_id, i."inboxId" AS inbox_id, i."inviteUrl" AS invite_url,
                i."conversationId" AS conversation_id
    )
    SELECT claimed.*, pg_notify(${AGENT_CLAIMED_CHANNEL}, claimed.agent_id)::text AS notified FROM claimed`;
  const row = rows[0];
  if (!row) throw new PoolEmptyError();
  const latencyMs = Math.round(performance.now() - started);
  await recordClaim({ agentId: row.agent_id, identityId: row.identity_id, latencyMs }, tx);
  return {
    agentId: row.agent_id,
    identityId: row.identity_id,
    inboxId: row.inbox_id,
    inviteUrl: row.invite_url,
    conversationId: row.conversation_id,
    status: AGENT_TRANSITIONS.launch.to,
    latencyMs,
  };
}
