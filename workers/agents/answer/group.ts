/**
 * Group awareness for the model: members' turns labelled with who wrote them
 * and a short reference to the message ("[ab12cd34] Ana: …"), the members
 * listed in the system prompt, and the current time in the agent's time zone.
 * Tools name messages by these references (`resolveMessage`).
 */
import type { MessageRef } from "@/lib/agents/tools";
import { formatTimeIn } from "@/lib/agents/time-zone";
import type { ChatTurn, GroupContext } from "./contracts";

/** The short reference the model sees for a message. */
export const messageRef = (messageId: string) => messageId.slice(0, 8);

/** A member's turn as the model reads it; the agent's own turns stay as they were sent. */
export function labelTurn(g: GroupContext, turn: ChatTurn): string {
  if (turn.role === "assistant" || !turn.senderInboxId) return turn.text;
  const ref = turn.messageId ? `[${messageRef(turn.messageId)}] ` : "";
  return `${ref}${g.nameOf(turn.senderInboxId)}: ${turn.text}`;
}

/** The system prompt's lines about the conversation: members, time, how turns are labelled. */
export function groupPromptLines(g: GroupContext, agentName: string, withTools: boolean): string {
  const others = g.members.filter((m) => m.inboxId !== g.ownInboxId).map((m) => m.name);
  return [
    `Members of this conversation: ${others.length ? others.join(", ") : "nobody else yet"}, and you (${agentName}).`,
    `It is now ${formatTimeIn(g.now, g.timeZone)} (${g.timeZone}).`,
    "Each member's message starts with its reference and the sender's name: \"[ref] Name: text\". Use names when you answer someone; never start your own messages with a name or a reference.",
    ...(withTools
      ? [
          "You can act in the conversation with your tools (pass a message's ref to act on it). After acting, answer briefly, or with nothing when the action says it all.",
        ]
      : []),
  ].join("\n");
}

/** Resolves a reference from the prompt to a message: none or "current" = the message answered. */
export function messageResolver(
  current: MessageRef,
  history: ChatTurn[],
): (ref?: string) => MessageRef | undefined {
  const byRef = new Map<string, MessageRef>([[messageRef(current.id), current]]);
  for (const t of history)
    if (t.messageId && t.senderInboxId)
      byRef.set(messageRef(t.messageId), { id: t.messageId, senderInboxId: t.senderInboxId });
  return (ref) => {
    const r = ref
      ?.trim()
      .replace(/^\[|\]$/g, "")
      .toLowerCase();
    if (!r || r === "current") return current;
    return byRef.get(r.slice(0, 8));
  };
}
