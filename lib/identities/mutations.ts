/**
 * Writes of the handoff and of join-claims. Each multi-row change (identity +
 * agent + event) is one transaction, and each is conditional on the state it
 * expects, so a repeated or late call changes nothing. The status changes are
 * the owners' transitions: ./identity-status.ts and lib/agents/agent-status.ts.
 */
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { failJoiningAgent, markAgentRowLive } from "@/lib/agents/agent-status";
import { backoffMs } from "./backoff";
import type { Prisma } from "@/lib/generated/prisma/client";
import { failJoinerIdentity, insertJoinerIdentity, markIdentityLive } from "./identity-status";

/** The reasons a join-claim fails, as stored in Agent.failureReason. `timeout` is retryable. */
export type JoinFailureReason = "expired" | "revoked" | "rejected" | "invalid" | "timeout" | "error";

/**
 * Marks the identity and its agent live after a handoff or a successful join,
 * with the `handoff` (launch) or `joined` (join-claim) event and its latency
 * since the claim. Returns the latency, or null when the agent was live already
 * (live again after a restart: no event) or the identity was retired meanwhile (nothing written).
 */
export async function markAgentLive(
  identityId: string,
  agentId: string,
  workerId: string,
): Promise<number | null> {
  return db.$transaction(async (tx) => {
    if (!(await markIdentityLive(tx, identityId))) return null;
    const agent = await tx.agent.findUniqueOrThrow({
      where: { id: agentId },
      select: { status: true, source: true, claimedAt: true },
    });
    if (agent.status === "live") return null;
    const liveAt = new Date();
    if (!(await markAgentRowLive(tx, agentId, liveAt))) return null;
    const latencyMs = liveAt.getTime() - agent.claimedAt.getTime();
    await tx.event.create({
      data: {
        kind: agent.source === "join" ? "joined" : "handoff",
        agentId,
        identityId,
        workerId,
        latencyMs,
      },
    });
    return latencyMs;
  });
}

/** Stamps the agent's first joiner; true only for the first call (so exactly one greeting is sent). */
export async function recordFirstJoin(
  agentId: string,
  identityId: string,
  joinerInboxId: string,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.agent.updateMany({
      where: { id: agentId, firstJoinedAt: null },
      data: { firstJoinedAt: new Date() },
    });
    await tx.event.create({
      data: { kind: "member_joined", agentId, identityId, data: { inboxId: joinerInboxId } },
    });
    return count === 1;
  });
}

/** Stores a joiner identity's XMTP identity (sealed keys) before it sends its request. */
export async function saveJoinerIdentity(
  identityId: string,
  data: {
    inboxId: string;
    address: string;
    encryptedWalletKey: Uint8Array<ArrayBuffer>;
    encryptedDbKey: Uint8Array<ArrayBuffer>;
  },
): Promise<void> {
  const { inboxId, address, encryptedWalletKey, encryptedDbKey } = data; // callers may pass a wider object
  await db.identity.update({
    where: { id: identityId },
    data: { inboxId, address, encryptedWalletKey, encryptedDbKey, joinRequestedAt: new Date() },
  });
}

/**
 * A join that failed: the joiner identity failed with the error, and a failure event. A join-claim's agent
 * fails with the reason too; for an extra conversation (`extra`) only that identity fails and the agent stays live.
 */
export async function markJoinFailed(
  agentId: string,
  identityId: string,
  workerId: string,
  reason: JoinFailureReason,
  error: string,
  { extra = false }: { extra?: boolean } = {},
): Promise<void> {
  const message = `${reason}: ${error}`.slice(0, 2000);
  await db.$transaction([
    ...(extra ? [] : [failJoiningAgent(agentId, reason)]),
    failJoinerIdentity(identityId, message),
    db.event.create({ data: { kind: "failure", agentId, identityId, workerId, error: message } }),
  ]);
}

/**
 * `/join` from an operator: a joiner identity for an agent that is already
 * live, as an extra (non-owner) conversation, leased to `workerId` at once,
 * with its claim event (the owner's claim limits count it). `tx`: the
 * transaction of those limits (lib/agents/limits.ts claimExtraWithinLimits).
 */
export async function createExtraJoinerIdentity(
  agentId: string,
  joinUrl: string,
  workerId: string,
  leaseMs: number,
  tx: Prisma.TransactionClient = db,
): Promise<string> {
  const id = randomUUID();
  await tx.event.create({ data: { kind: "claim", agentId, identityId: id } }); // no claim latency: not from the pool
  await insertJoinerIdentity(tx, { id, agentId, joinUrl, ownerConversation: false, workerId, leaseMs });
  return id;
}

/** What a handoff needs to know about an identity: its row and its agent's. */
export async function handoffSubject(identityId: string) {
  return db.identity.findUniqueOrThrow({ where: { id: identityId }, include: { agent: true } });
}

export type HandoffSubject = Awaited<ReturnType<typeof handoffSubject>>;

/** Records the conversation a joiner identity is in once its join succeeded. */
export async function setIdentityConversation(identityId: string, conversationId: string): Promise<void> {
  await db.identity.update({ where: { id: identityId }, data: { conversationId } });
}

/**
 * A handoff that failed: the identity keeps the error and waits for its next
 * attempt (capped exponential backoff on its attempt count), and the lease is
 * released only if this worker still holds it. Returns the next attempt's time.
 */
export async function markHandoffFailed(identityId: string, workerId: string, error: string): Promise<Date> {
  return db.$transaction(async (tx) => {
    const row = await tx.identity.update({
      where: { id: identityId },
      data: { lastError: error.slice(0, 2000), attempts: { increment: 1 } },
      select: { attempts: true },
    });
    const next = new Date(Date.now() + backoffMs(row.attempts));
    await tx.identity.update({ where: { id: identityId }, data: { nextAttemptAt: next } });
    await tx.$executeRaw`UPDATE "Identity" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL
      WHERE id = ${identityId} AND "leaseOwner" = ${workerId}`;
    return next;
  });
}
