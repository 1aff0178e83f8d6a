/**
 * `/forget all [conversation]`: an operator clears what the agent remembers
 * of a conversation, the one the command is sent in (the owner conversation)
 * or one named by its name or number in /conversations. The command itself is
 * parsed in workers/agents/answer/commands.ts, which checks the sender is an
 * operator. It clears the conversation's summary of earlier messages too.
 */
import { db } from "@/lib/db";
import { agentConversations, findConversation } from "@/lib/invites/conversations";
import { forgetAll } from "./memory";

export const FORGET_USAGE = "Usage: /forget all [conversation]";

/** The reply to `/forget <arg>` from an operator of `agent`. */
export async function forgetCommand(agent: { id: string; name: string }, arg: string): Promise<string> {
  const [all, ...rest] = arg.split(/\s+/);
  if (all?.toLowerCase() !== "all") return FORGET_USAGE;
  const name = rest.join(" ").trim();
  const list = await agentConversations(agent.id, agent.name);
  const target = name ? findConversation(list, name) : (list.find((c) => c.isOwnerConversation) ?? null);
  if (!target) return `I have no conversation called "${name.slice(0, 100)}": /conversations lists mine.`;
  const identity = await db.identity.findUnique({
    where: { id: target.identityId },
    select: { conversationId: true },
  });
  const conversationId = identity?.conversationId;
  const { memories, summary } = conversationId
    ? await db.$transaction((tx) => forgetAll(tx, { agentId: agent.id, conversationId }))
    : { memories: 0, summary: false };
  const what = `${memories} ${memories === 1 ? "memory" : "memories"}${summary ? " and my summary of earlier messages" : ""}`;
  return `Forgot everything I remembered in "${target.name}" (${what}).`;
}
