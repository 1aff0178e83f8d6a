/**
 * The owner's view of an agent's memory (/agents/[id]): every conversation's
 * memories and summary of earlier messages, editing or deleting a memory, and
 * clearing a summary. Ownership is part of each query, so
 * another user's memory id changes nothing; an edit is checked like anything
 * the agent keeps (no secrets, at most MAX_MEMORY_CHARS).
 */
import { db } from "@/lib/db";
import { keepable } from "./memory";
import { clearSummary } from "./summary";

export interface ConversationMemories {
  conversationId: string;
  /** The conversation's name, as /conversations says it. */
  name: string;
  memories: { id: string; text: string; createdAt: Date }[];
  /** The model's summary of the conversation's earlier messages; null when there is none. */
  summary: { text: string; messages: number; updatedAt: Date } | null;
}

/** The agent's memories and summaries by conversation, the owner conversation first, oldest memory first. */
export async function memoriesForAgent(agentId: string, agentName: string): Promise<ConversationMemories[]> {
  const [rows, summaries, identities] = await Promise.all([
    db.memory.findMany({
      where: { agentId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, text: true, createdAt: true, conversationId: true },
    }),
    db.conversationSummary.findMany({
      where: { agentId, text: { not: "" } },
      select: { conversationId: true, text: true, messages: true, updatedAt: true },
    }),
    db.identity.findMany({
      where: { agentId, conversationId: { not: null } },
      select: { conversationId: true, conversationName: true, isOwnerConversation: true },
    }),
  ]);
  const byConversation = new Map<string, ConversationMemories>();
  const groupOf = (conversationId: string) => {
    let group = byConversation.get(conversationId);
    if (!group) {
      const identity = identities.find((i) => i.conversationId === conversationId);
      const name =
        identity?.conversationName ?? (identity?.isOwnerConversation ? agentName : "Untitled conversation");
      group = { conversationId, name, memories: [], summary: null };
      byConversation.set(conversationId, group);
    }
    return group;
  };
  for (const { conversationId, ...m } of rows) groupOf(conversationId).memories.push(m);
  for (const { conversationId, ...summary } of summaries) groupOf(conversationId).summary = summary;
  const owner = new Set(identities.filter((i) => i.isOwnerConversation).map((i) => i.conversationId));
  return [...byConversation.values()].sort(
    (a, b) => Number(owner.has(b.conversationId)) - Number(owner.has(a.conversationId)),
  );
}

/** Changes the text of one of `ownerId`'s agents' memories; false when there is no such memory. Throws MemoryError. */
export async function editMemoryOfOwner(ownerId: string, memoryId: string, text: string): Promise<boolean> {
  const kept = keepable(text);
  const { count } = await db.memory.updateMany({
    where: { id: memoryId, agent: { ownerId } },
    data: { text: kept },
  });
  return count === 1;
}

/** Deletes one of `ownerId`'s agents' memories; false when there is no such memory. */
export async function deleteMemoryOfOwner(ownerId: string, memoryId: string): Promise<boolean> {
  const { count } = await db.memory.deleteMany({ where: { id: memoryId, agent: { ownerId } } });
  return count === 1;
}

/** Clears the summary of one conversation of one of `ownerId`'s agents; false when there is no such summary. */
export async function clearSummaryOfOwner(
  ownerId: string,
  agentId: string,
  conversationId: string,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const mine = await tx.agent.count({ where: { id: agentId, ownerId } });
    return mine === 1 && (await clearSummary(tx, { agentId, conversationId }, { create: false }));
  });
}
