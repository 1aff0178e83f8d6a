/**
 * Claim limits, read from PoolSetting: a user may claim at most
 * `claimsPerUserPerHour` times per hour (claim events of agents they own: a
 * launch, a join-claim, and each extra conversation an operator opens with
 * /invite or /join) and have at most `liveAgentsPerUser` running at once
 * (agents that are ready, joining or live, plus their extra conversations);
 * API claims (agents with no owner) share `apiClaimsPerHour`. On top of that
 * each agent may open at most AGENT_EXTRA_CONVERSATIONS_MAX extra conversations.
 *
 * The limits hold exactly under concurrency: the check, the claim and its
 * event run in ONE transaction that first takes a per-user advisory lock
 * (pg_advisory_xact_lock, released at commit). A second claim of the same user
 * waits for the lock, then counts what the first one wrote.
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPoolSettings } from "@/lib/pool/settings";
import { ACTIVE_IDENTITY_STATUSES } from "@/lib/identities/identity-status";
import { RUNNING_AGENT_STATUSES } from "./agent-status";

const HOUR_MS = 60 * 60 * 1000;
/** The first key of the claim locks (pg's two-key advisory locks don't collide with the pool's one-key lock). */
const CLAIM_LOCK_SPACE = 7_412;

export type Tx = Prisma.TransactionClient;

export class RateLimitedError extends AppError {
  constructor(message: string) {
    super("rate_limited", message, 429);
  }
}

/** Takes the claim lock of `ownerId` (or of API claims) for the rest of the transaction. */
async function lockClaims(tx: Tx, ownerId: string | null): Promise<void> {
  const key = ownerId ? `user:${ownerId}` : "api";
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CLAIM_LOCK_SPACE}::int, hashtext(${key}))`;
}

/** Throws RateLimitedError when the user is over a limit; returns nothing otherwise. */
export async function assertUserMayClaim(userId: string, now = new Date(), tx: Tx = db): Promise<void> {
  const since = new Date(now.getTime() - HOUR_MS);
  const settings = await getPoolSettings(tx);
  const claims = await tx.event.count({
    where: { kind: "claim", createdAt: { gte: since }, agent: { ownerId: userId } },
  });
  const agents = await tx.agent.count({
    where: { ownerId: userId, status: { in: [...RUNNING_AGENT_STATUSES] } },
  });
  const extras = await tx.identity.count({
    where: {
      isOwnerConversation: false,
      status: { in: [...ACTIVE_IDENTITY_STATUSES] },
      agent: { ownerId: userId, status: { in: [...RUNNING_AGENT_STATUSES] } },
    },
  });
  if (claims >= settings.claimsPerUserPerHour) {
    throw new RateLimitedError(
      `You have launched ${claims} agents or conversations in the last hour, the most allowed (${settings.claimsPerUserPerHour}). Please try again later.`,
    );
  }
  if (agents + extras >= settings.liveAgentsPerUser) {
    throw new RateLimitedError(
      `You already have ${agents + extras} running agents and conversations, the most allowed (${settings.liveAgentsPerUser}). Stop one on My agents first.`,
    );
  }
}

/** Throws RateLimitedError when API claims (agents without an owner) reached apiClaimsPerHour in the last hour. */
export async function assertApiMayClaim(now = new Date(), tx: Tx = db): Promise<void> {
  const since = new Date(now.getTime() - HOUR_MS);
  const settings = await getPoolSettings(tx);
  const claims = await tx.event.count({
    where: { kind: "claim", createdAt: { gte: since }, agent: { ownerId: null } },
  });
  if (claims >= settings.apiClaimsPerHour) {
    throw new RateLimitedError(
      `The API key has made ${claims} claims in the last hour, the most allowed. Try again later.`,
    );
  }
}

/**
 * A claim made once per idempotency key (./idempotency.ts), in the claim's transaction: `replay` answers an
 * earlier claim's result before the lock and the limits (a repeat must not be refused by the limit its first
 * claim reached), or takes the key; `record` stores this claim's result.
 */
export interface ClaimOnce<T> {
  replay(tx: Tx): Promise<T | null>;
  record(tx: Tx, result: T): Promise<void>;
}

/** Runs `claim` (which must write its claim event through `tx`) after the owner's limits, under their lock. */
export async function claimWithinLimits<T>(
  ownerId: string | null,
  claim: (tx: Tx) => Promise<T>,
  once?: ClaimOnce<NoInfer<T>>,
): Promise<T> {
  // Everything inside uses `tx` only: a transaction waiting on the lock holds its connection, so a query on
  // another connection could wait for a pool that the waiters have emptied.
  return db.$transaction(
    async (tx) => {
      const earlier = await once?.replay(tx);
      if (earlier) return earlier;
      await lockClaims(tx, ownerId);
      if (ownerId) await assertUserMayClaim(ownerId, new Date(), tx);
      else await assertApiMayClaim(new Date(), tx);
      const result = await claim(tx);
      await once?.record(tx, result);
      return result;
    },
    { maxWait: 10_000, timeout: 15_000 },
  );
}

export class ExtraConversationsLimitError extends AppError {
  constructor(max: number) {
    super(
      "extra_conversations_limit",
      `I already have ${max} extra conversations, the most I may open.`,
      429,
    );
  }
}

/**
 * Runs `claim` for an extra conversation (/invite, /join) of `agentId`: under
 * the owner's lock, after the agent's cap of `maxExtra` running extra
 * conversations and the owner's claim limits.
 */
export async function claimExtraWithinLimits<T>(
  agentId: string,
  maxExtra: number,
  claim: (tx: Tx) => Promise<T>,
): Promise<T> {
  const agent = await db.agent.findUnique({ where: { id: agentId }, select: { ownerId: true } });
  if (!agent) throw new AppError("not_found", "That agent no longer exists.", 404);
  return claimWithinLimits(agent.ownerId, async (tx) => {
    const extras = await tx.identity.count({
      where: { agentId, isOwnerConversation: false, status: { in: [...ACTIVE_IDENTITY_STATUSES] } },
    });
    if (extras >= maxExtra) throw new ExtraConversationsLimitError(maxExtra);
    return claim(tx);
  });
}
