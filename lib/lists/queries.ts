/** Reading an agent's shared lists for its owner's page (read-only there: members change them by chatting). */
import { db } from "@/lib/db";

export interface SharedListView {
  id: string;
  name: string;
  conversationId: string;
  updatedAt: Date;
  items: { id: string; text: string; done: boolean }[];
}

/** Every list the agent keeps, across its conversations, most recently changed first. */
export async function listsForAgent(agentId: string): Promise<SharedListView[]> {
  return db.sharedList.findMany({
    where: { agentId },
    orderBy: { updatedAt: "desc" },
    take: 50,
    select: {
      id: true,
      name: true,
      conversationId: true,
      updatedAt: true,
      items: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, text: true, done: true } },
    },
  });
}
