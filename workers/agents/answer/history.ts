/**
 * The conversation as the model sees it: the recent text messages before the
 * one being answered, the agent's own as `assistant`, bounded in count and
 * characters (newest kept). Reactions to the agent's own messages are context
 * ("reacted 👍 to: …"); photos, voice notes and files say what was sent (a
 * voice note its words: attachments.ts); every other reaction and all other content (join
 * requests, profiles, group updates) is left out. What the window leaves out
 * (`beyondWindow`) is what the rolling summary covers (summary.ts).
 */
import type { DecodedMessage, Reaction, ReactionAction, ReactionSchema } from "@xmtp/node-sdk";
import type { Conversation } from "@/lib/agents/conversation";
import { attachmentTurnText, isAttachmentMessage } from "./attachments";
import type { ChatTurn } from "./contracts";

export const HISTORY_MAX_MESSAGES = 20;
export const HISTORY_MAX_CHARS = 8_000;

/** node-bindings' ambient const enums, written out (see lib/convos/sdk.ts for why). */
export const Reactions = {
  Added: 1 as ReactionAction.Added,
  Removed: 2 as ReactionAction.Removed,
  Unicode: 1 as ReactionSchema.Unicode,
};

const isText = (m: DecodedMessage<unknown>) =>
  m.contentType?.authorityId === "xmtp.org" &&
  m.contentType.typeId === "text" &&
  typeof m.content === "string";
export const isReactionMessage = (m: DecodedMessage<unknown>): m is DecodedMessage<Reaction> =>
  m.contentType?.authorityId === "xmtp.org" &&
  m.contentType.typeId === "reaction" &&
  typeof m.content === "object";

/** "(reacted 👍 to your message: …)" for another member's reaction to one of the agent's messages, else undefined. */
function reactionTurn(r: DecodedMessage<unknown>, ownInboxId: string, about?: string): ChatTurn | undefined {
  if (!isReactionMessage(r) || r.senderInboxId === ownInboxId) return undefined;
  const reaction = r.content as Reaction;
  if (reaction.referenceInboxId !== ownInboxId || reaction.action !== Reactions.Added) return undefined;
  return {
    role: "user",
    text: `(reacted ${reaction.content} to your message${about ? `: "${about.slice(0, 200)}"` : ""})`,
    senderInboxId: r.senderInboxId,
  };
}

/**
 * Turns for the model from messages given newest first; `ownInboxId` marks the
 * agent's messages. node-sdk lists reactions on the message they refer to
 * (`m.reactions`, enriched messages), and may also deliver them standalone:
 * both count, placed at the time they were sent.
 */
export function toTurns(
  newestFirst: DecodedMessage<unknown>[],
  ownInboxId: string,
  o = { maxMessages: HISTORY_MAX_MESSAGES, maxChars: HISTORY_MAX_CHARS },
): ChatTurn[] {
  const textById = new Map<string, string>();
  for (const m of newestFirst) if (isText(m)) textById.set(m.id, m.content as string);
  const timed: { at: bigint; id: string; turn: ChatTurn }[] = [];
  for (const m of newestFirst) {
    if (isText(m)) {
      const text = m.content as string;
      timed.push({
        at: m.sentAtNs,
        id: m.id,
        turn: {
          role: m.senderInboxId === ownInboxId ? "assistant" : "user",
          text,
          senderInboxId: m.senderInboxId,
          messageId: m.id,
        },
      });
      if (m.senderInboxId === ownInboxId)
        for (const r of m.reactions ?? []) {
          const turn = reactionTurn(r as DecodedMessage<unknown>, ownInboxId, text);
          if (turn) timed.push({ at: r.sentAtNs, id: r.id, turn });
        }
    } else if (isAttachmentMessage(m)) {
      // A photo, voice note or file: what it was (a voice note's words when heard: attachments.ts).
      const role = m.senderInboxId === ownInboxId ? "assistant" : "user";
      const text = attachmentTurnText(m) ?? "";
      timed.push({
        at: m.sentAtNs,
        id: m.id,
        turn: { role, text, senderInboxId: m.senderInboxId, messageId: m.id },
      });
    } else {
      const turn = reactionTurn(
        m,
        ownInboxId,
        textById.get((m.content as Reaction | undefined)?.reference ?? ""),
      );
      if (turn) timed.push({ at: m.sentAtNs, id: m.id, turn });
    }
  }
  const seen = new Set<string>();
  const turns: ChatTurn[] = [];
  let chars = 0;
  for (const { id, turn } of timed.sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : 0))) {
    if (seen.has(id)) continue;
    seen.add(id);
    if (turns.length >= o.maxMessages || chars + turn.text.length > o.maxChars) break;
    chars += turn.text.length;
    turns.push(turn);
  }
  return turns.reverse();
}

/** The history before `message` in `conversation`, oldest first. */
export async function historyBefore(
  conversation: Conversation,
  message: DecodedMessage<unknown>,
  ownInboxId: string,
): Promise<ChatTurn[]> {
  const earlier = await conversation.history({ limit: HISTORY_MAX_MESSAGES * 3, beforeNs: message.sentAtNs });
  return toTurns(earlier, ownInboxId);
}

/**
 * The text messages of `newestFirst` that the window (`toTurns` over the same messages) leaves out,
 * sent after `afterNs`, oldest first: what the rolling summary has yet to cover.
 */
export function beyondWindow(
  newestFirst: DecodedMessage<unknown>[],
  ownInboxId: string,
  afterNs: bigint,
  o = { maxMessages: HISTORY_MAX_MESSAGES, maxChars: HISTORY_MAX_CHARS },
): DecodedMessage<unknown>[] {
  const inWindow = new Set(toTurns(newestFirst, ownInboxId, o).map((t) => t.messageId));
  let oldestInWindow: bigint | undefined;
  for (const m of newestFirst)
    if (inWindow.has(m.id) && (oldestInWindow === undefined || m.sentAtNs < oldestInWindow))
      oldestInWindow = m.sentAtNs;
  return newestFirst
    .filter(
      (m) =>
        isText(m) &&
        !inWindow.has(m.id) &&
        m.sentAtNs > afterNs &&
        (oldestInWindow === undefined || m.sentAtNs < oldestInWindow),
    )
    .reverse();
}
