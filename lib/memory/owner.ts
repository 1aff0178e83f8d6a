/**
 * The owner's view of an agent's memory (/agents/[id]): every conversation's
 * memories, and editing or deleting one. Ownership is part of each query, so
 * another user's memory id changes nothing; an edit is checked like anything
 * the agent keeps (no secrets, at most MAX_MEMORY_CHARS).
 */
import { db } from "@/lib/db";
import { keepable } from "./memory";

export interface ConversationMemories {
  conversationId: string;
  /** The conversation's name, as /conversations says it. */
  name: string;
  memories: { id: string; text: string; createdAt: Date }[];
}

/** The agent's memories by conversation, the owner conversation first, oldest memory first. */
export async function memoriesForAgent(agentId: string, agentName: string): Promise<ConversationMemories[]> {
  const [rows, identities] = await Promise.all([
    db.memory.findMany({
      where: { agentId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, text: true, createdAt: true, conversationId: true },
    }),
    db.identity.findMany({
      where: { agentId, conversationId: { not: null } },
      select: { conversationId: true, conversationName: true, isOwnerConversation: true },
    }),
  ]);
  const byConversation = new Map<string, ConversationMemories>();
  for (const { conversationId, ...m } of rows) {
    let group = byConversation.get(conversationId);
    if (!group) {
      const identity = identities.find((i) => i.conversationId === conversationId);
      const name =
        identity?.conversationName ?? (identity?.isOwnerConversation ? agentName : "Untitled conversation");
      group = { conversationId, name, memories: [] };
      byConversation.set(conversationId, group);
    }
    group.memories.push(m);
  }
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
