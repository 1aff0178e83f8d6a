/**
 * The conversation as the model sees it: the recent text messages before the
 * one being answered, the agent's own as `assistant`, bounded in count and
 * characters (newest kept). Reactions to the agent's own messages are context
 * ("reacted 👍 to: …"); every other reaction and all non-text content (join
 * requests, profiles, group updates) is left out.
 */
import type { DecodedMessage, Group, Reaction, ReactionAction, ReactionSchema } from "@xmtp/node-sdk";
import { Direction } from "@/lib/convos";
import type { ChatTurn } from "./responder";

export const HISTORY_MAX_MESSAGES = 20;
export const HISTORY_MAX_CHARS = 8_000;

/** node-bindings' ambient const enums, written out (see lib/convos/sdk.ts for why). */
export const Reactions = {
  Added: 1 as ReactionAction.Added,
  Removed: 2 as ReactionAction.Removed,
  Unicode: 1 as ReactionSchema.Unicode,
};

const isText = (m: DecodedMessage<unknown>) =>
  m.contentType?.authorityId === "xmtp.org" && m.contentType.typeId === "text" && typeof m.content === "string";
export const isReactionMessage = (m: DecodedMessage<unknown>): m is DecodedMessage<Reaction> =>
  m.contentType?.authorityId === "xmtp.org" && m.contentType.typeId === "reaction" && typeof m.content === "object";

/** Turns for the model from messages given newest first; `ownInboxId` marks the agent's messages. */
export function toTurns(
  newestFirst: DecodedMessage<unknown>[],
  ownInboxId: string,
  o = { maxMessages: HISTORY_MAX_MESSAGES, maxChars: HISTORY_MAX_CHARS },
): ChatTurn[] {
  const textById = new Map<string, string>();
  for (const m of newestFirst) if (isText(m)) textById.set(m.id, m.content as string);
  const turns: ChatTurn[] = [];
  let chars = 0;
  for (const m of newestFirst) {
    let turn: ChatTurn | undefined;
    if (isText(m)) turn = { role: m.senderInboxId === ownInboxId ? "assistant" : "user", text: m.content as string };
    else if (isReactionMessage(m) && m.senderInboxId !== ownInboxId) {
      const r = m.content as Reaction;
      const own = r.referenceInboxId === ownInboxId;
      if (own && r.action === Reactions.Added) {
        const about = textById.get(r.reference);
        turn = {
          role: "user",
          text: `(reacted ${r.content} to your message${about ? `: "${about.slice(0, 200)}"` : ""})`,
        };
      }
    }
    if (!turn) continue;
    if (turns.length >= o.maxMessages || chars + turn.text.length > o.maxChars) break;
    chars += turn.text.length;
    turns.push(turn);
  }
  return turns.reverse();
}

/** The history before `message` in `group`, oldest first. */
export async function historyBefore(
  group: Group<unknown>,
  message: DecodedMessage<unknown>,
  ownInboxId: string,
): Promise<ChatTurn[]> {
  const earlier = await group.messages({
    sentBeforeNs: message.sentAtNs,
    limit: HISTORY_MAX_MESSAGES * 3,
    direction: Direction.Descending,
  });
  return toTurns(earlier, ownInboxId);
}
