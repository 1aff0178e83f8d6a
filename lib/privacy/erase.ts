/**
 * Deleting an agent, or a whole account, for good. The agent leaves its
 * conversations first: deletion stops it (lib/agents/mutations.ts `stopAgent`,
 * which NOTIFYs the worker) and waits, bounded, until the worker has left every
 * conversation and retired each identity (keys wiped). Only then are its rows
 * erased, all in one transaction. When no worker carries the stop out in time
 * the agent stays stopped and nothing is erased (StillLeavingError): asking
 * again later finishes the job. The worker records its "left" event just after
 * retiring an identity; a deletion that commits in between makes that insert
 * fail (the agent is gone), which the worker logs as a warning: nothing is left.
 *
 * What an agent's erasure covers: the agent row (its memories, lists and items,
 * polls and votes, schedules, token reservations, pairing requests, events and
 * sent files go with it by cascade; files in an S3 store are deleted there
 * first, lib/files/erase.ts), its identities (keys included), the ledger of handled
 * messages, tool calls, schedule firings, invite requests, idempotency keys
 * that name it, and events that name one of its identities. An account adds the
 * user row (sessions and sign-in accounts by cascade), its pending sign-in
 * links, its idempotency keys and its sign-in rate-limit counts.
 * lib/privacy/erase.test.ts reads every table afterwards. An agent's OpenRouter key (its row goes by
 * cascade) is deleted at OpenRouter first; when OpenRouter can't be reached the erasure goes on, and the
 * worker's retention pass deletes the key it finds named for an agent that is gone. Its AgentMail inbox
 * is deleted there too (the worker's stop usually did it already; the row goes by cascade).
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { stopAgent } from "@/lib/agents/mutations";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { deleteStoredObjects } from "@/lib/files/erase";
import { deleteAgentKeys } from "@/lib/providers/openrouter/keys";
import { openRouterSettings } from "@/lib/providers/openrouter/settings";
import { retireInbox } from "@/lib/providers/agentmail/inboxes";
import { agentMailSettings } from "@/lib/providers/agentmail/settings";
import type { Prisma } from "@/lib/generated/prisma/client";

/** How long a deletion waits for the worker to leave the agent's conversations (it takes seconds when one runs). */
export const LEAVE_WAIT_MS = 10_000;

export class StillLeavingError extends AppError {
  constructor() {
    super(
      "still_leaving",
      "The agent is stopped and is still leaving its conversations; nothing was deleted yet. Try again in a minute.",
      409,
    );
  }
}

type Tx = Prisma.TransactionClient;

/** Identities of these agents still in a conversation: not retired, with an inbox that could still be in one. */
function stillInConversations(client: Tx | typeof db, agentIds: string[]): Promise<number> {
  return client.identity.count({
    where: { agentId: { in: agentIds }, status: { not: "retired" }, inboxId: { not: null } },
  });
}

/** Stops the agents (idempotent) and waits until the worker has left all their conversations; false on timeout. */
async function stopAndLeave(agentIds: string[], ownerId: string, waitMs: number): Promise<boolean> {
  for (const agentId of agentIds) await stopAgent(agentId, { ownerId, actor: ownerId });
  const deadline = Date.now() + waitMs;
  for (;;) {
    if ((await stillInConversations(db, agentIds)) === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
}

/** Deletes the agents' OpenRouter keys there, as far as it can be reached (the retention pass does the rest). */
async function deleteModelKeys(agentIds: string[]): Promise<void> {
  const openRouter = openRouterSettings(config());
  if (openRouter) await deleteAgentKeys(openRouter, agentIds).catch(() => undefined);
}

/** Deletes the agents' AgentMail inboxes there, as far as it can be reached (their rows go by cascade). */
async function deleteMailInboxes(agentIds: string[]): Promise<void> {
  const mail = agentMailSettings(config());
  if (mail) for (const agentId of agentIds) await retireInbox(mail, agentId).catch(() => undefined);
}

/** Erases one stopped agent's rows inside `tx`; refuses (StillLeavingError) if it is back in a conversation. */
async function eraseAgentRows(tx: Tx, agentId: string): Promise<void> {
  // Locked, so an admin restart can't hand it a new identity between the check and the deletes.
  await tx.$queryRaw`SELECT id FROM "Agent" WHERE id = ${agentId} FOR UPDATE`;
  if ((await stillInConversations(tx, [agentId])) > 0) throw new StillLeavingError();
  const identityIds = (await tx.identity.findMany({ where: { agentId }, select: { id: true } })).map(
    (i) => i.id,
  );
  const scheduleIds = (await tx.schedule.findMany({ where: { agentId }, select: { id: true } })).map(
    (s) => s.id,
  );
  await tx.scheduleFiring.deleteMany({
    where: { OR: [{ scheduleId: { in: scheduleIds } }, { identityId: { in: identityIds } }] },
  });
  await tx.toolCall.deleteMany({ where: { identityId: { in: identityIds } } });
  await tx.handledMessage.deleteMany({ where: { identityId: { in: identityIds } } });
  await tx.inviteRequest.deleteMany({
    where: { OR: [{ agentId }, { identityId: { in: identityIds } }] },
  });
  await tx.event.deleteMany({ where: { OR: [{ agentId }, { identityId: { in: identityIds } }] } });
  await tx.idempotencyKey.deleteMany({ where: { agentId } });
  await tx.identity.deleteMany({ where: { id: { in: identityIds } } });
  await tx.agent.delete({ where: { id: agentId } });
}

/**
 * The owner deletes one of their agents: it leaves its conversations, then
 * every row about it is erased in one transaction. Throws AgentNotFoundError
 * (not theirs) or StillLeavingError (stopped, not yet left: nothing erased).
 */
export async function deleteAgent(agentId: string, ownerId: string, waitMs = LEAVE_WAIT_MS): Promise<void> {
  if (!(await stopAndLeave([agentId], ownerId, waitMs))) throw new StillLeavingError();
  await deleteMailInboxes([agentId]);
  await deleteStoredObjects([agentId]);
  await deleteModelKeys([agentId]);
  await db.$transaction((tx) => eraseAgentRows(tx, agentId));
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/**
 * A user deletes their account: each of their agents leaves its conversations,
 * then the agents, the user, its sessions and sign-in accounts are erased in
 * one transaction; returns the erased agents' ids. Throws StillLeavingError
 * when an agent has not left yet.
 */
export async function deleteAccount(userId: string, waitMs = LEAVE_WAIT_MS): Promise<string[]> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) return []; // deleted already
  const agentIds = (await db.agent.findMany({ where: { ownerId: userId }, select: { id: true } })).map(
    (a) => a.id,
  );
  if (!(await stopAndLeave(agentIds, userId, waitMs))) throw new StillLeavingError();
  await deleteMailInboxes(agentIds);
  await deleteStoredObjects(agentIds);
  await deleteModelKeys(agentIds);
  const email = user.email.trim().toLowerCase();
  await db.$transaction(async (tx) => {
    // Agents claimed meanwhile (another tab) are stopped by the next attempt, not erased running.
    const now = await tx.agent.findMany({ where: { ownerId: userId }, select: { id: true } });
    if (now.some((a) => !agentIds.includes(a.id))) throw new StillLeavingError();
    for (const agentId of agentIds) await eraseAgentRows(tx, agentId);
    await tx.idempotencyKey.deleteMany({ where: { scope: `user:${userId}` } });
    await tx.verificationToken.deleteMany({ where: { identifier: { in: [user.email, email] } } });
    await tx.rateLimitHit.deleteMany({
      where: { bucket: "signin-mail:address", key: { in: [sha256(email), sha256(user.email)] } },
    });
    await tx.user.delete({ where: { id: userId } });
  });
  return agentIds;
}
