/**
 * Reads of agents for the web app: a live status for the claim result, an
 * owner's agents with their conversations, one agent's timeline, and the
 * admin table. Owner checks are part of the query (`ownerId` in the where).
 */
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AgentStatus } from "@/lib/generated/prisma/enums";

export interface AgentLiveStatus {
  id: string;
  status: AgentStatus;
  source: "launch" | "join" | "direct";
  failureReason: string | null;
  liveAt: string | null;
  firstJoinedAt: string | null;
  stoppedAt: string | null;
}

/** The status of an agent the user owns, or null (missing or someone else's: indistinguishable). */
export async function agentStatusForOwner(agentId: string, ownerId: string): Promise<AgentLiveStatus | null> {
  const agent = await db.agent.findFirst({
    where: { id: agentId, ownerId },
    select: {
      id: true,
      status: true,
      source: true,
      failureReason: true,
      liveAt: true,
      firstJoinedAt: true,
      stoppedAt: true,
    },
  });
  if (!agent) return null;
  return {
    ...agent,
    liveAt: agent.liveAt?.toISOString() ?? null,
    firstJoinedAt: agent.firstJoinedAt?.toISOString() ?? null,
    stoppedAt: agent.stoppedAt?.toISOString() ?? null,
  };
}

/**
 * The invites an owner may see: those of their agent's creator-side
 * conversations (a conversation the agent only joined has none of its own,
 * and a direct add's warm invite, unused while it waits to be added, is never
 * handed out), while the agent is not stopped.
 */
function ownersInvites(agentId: string, ownerId: string) {
  return {
    agentId,
    role: "creator",
    inviteUrl: { not: null },
    addDeadline: null,
    agent: { ownerId, status: { not: "stopped" } },
  } satisfies Prisma.IdentityWhereInput;
}

async function firstInviteUrl(where: Prisma.IdentityWhereInput): Promise<string | null> {
  const identity = await db.identity.findFirst({ where, select: { inviteUrl: true } });
  return identity?.inviteUrl ?? null;
}

/** The invite URL of one conversation of the owner's running agent, or null: missing, someone else's, stopped, or only joined. */
export async function inviteUrlForOwner(
  agentId: string,
  identityId: string,
  ownerId: string,
): Promise<string | null> {
  return firstInviteUrl({ ...ownersInvites(agentId, ownerId), id: identityId });
}

const agentWithConversations = {
  id: true,
  name: true,
  status: true,
  source: true,
  failureReason: true,
  stopReason: true,
  joinUrl: true,
  messagesIn: true,
  messagesOut: true,
  claimedAt: true,
  liveAt: true,
  firstJoinedAt: true,
  stoppedAt: true,
  timeZone: true,
  greeting: true,
  tokenCap: true,
  tokensUsed: true,
  outOfBudgetAt: true,
  template: { select: { slug: true, name: true, emoji: true } },
  identities: {
    where: { status: { not: "retired" } },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      status: true,
      role: true,
      conversationId: true,
      inviteUrl: true,
      isOwnerConversation: true,
      inboxId: true,
      addDeadline: true,
    },
  },
} satisfies Prisma.AgentSelect;

export type AgentWithConversations = Prisma.AgentGetPayload<{ select: typeof agentWithConversations }>;

/** The user's agents, newest first. */
export async function listAgentsForOwner(ownerId: string): Promise<AgentWithConversations[]> {
  return db.agent.findMany({
    where: { ownerId },
    orderBy: { createdAt: "desc" },
    select: agentWithConversations,
    take: 200,
  });
}

/** One agent the user owns, with its conversations, or null. */
export async function getAgentForOwner(
  agentId: string,
  ownerId: string,
): Promise<AgentWithConversations | null> {
  return db.agent.findFirst({ where: { id: agentId, ownerId }, select: agentWithConversations });
}

/** An agent's event log, oldest first: its status timeline. */
export async function agentTimeline(agentId: string) {
  return db.event.findMany({
    where: { agentId },
    orderBy: { createdAt: "asc" },
    take: 200,
    select: { id: true, kind: true, createdAt: true, latencyMs: true, error: true, data: true },
  });
}

export interface AdminAgentFilter {
  q?: string;
  status?: AgentStatus;
}

/** The admin agents table: search by name, id or owner e-mail; filter by status; newest first. */
export async function listAgentsForAdmin(filter: AdminAgentFilter, take = 100) {
  const q = filter.q?.trim();
  return db.agent.findMany({
    where: {
      ...(filter.status ? { status: filter.status } : {}),
      ...(q
        ? {
            OR: [
              { name: { contains: q, mode: "insensitive" } },
              { id: q },
              { owner: { email: { contains: q, mode: "insensitive" } } },
            ],
          }
        : {}),
    },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      name: true,
      status: true,
      source: true,
      failureReason: true,
      messagesIn: true,
      messagesOut: true,
      tokenCap: true,
      tokensUsed: true,
      outOfBudgetAt: true,
      createdAt: true,
      owner: { select: { email: true } },
      template: { select: { name: true } },
    },
  });
}

/** Agents per status. */
export async function agentCounts(): Promise<Record<AgentStatus, number>> {
  const counts = Object.fromEntries(Object.values(AgentStatus).map((s) => [s, 0])) as Record<
    AgentStatus,
    number
  >;
  const rows = await db.agent.groupBy({ by: ["status"], _count: { _all: true } });
  for (const row of rows) counts[row.status] = row._count._all;
  return counts;
}

/** The invite of the conversation an owner's launched agent created, for the browser chat; null when there is none. */
export async function ownerConversationInvite(agentId: string, ownerId: string): Promise<string | null> {
  return firstInviteUrl({ ...ownersInvites(agentId, ownerId), isOwnerConversation: true });
}
