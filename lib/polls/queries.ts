/** Reading polls. */
import { db } from "@/lib/db";

/** Whether `messageId` posted one of `conversationId`'s polls (a reply or reaction to it is a vote). */
export async function isPollMessage(conversationId: string, messageId: string): Promise<boolean> {
  const poll = await db.poll.findUnique({ where: { messageId }, select: { conversationId: true } });
  return poll?.conversationId === conversationId;
}
