/**
 * Votes on the agent's polls, read from the conversation: a reply to a poll's
 * message whose text is a number, or a keycap reaction (1️⃣ … 🔟) to it;
 * taking a reaction back withdraws that vote. Recording is idempotent (the
 * last vote by send time counts), so a message seen twice changes nothing.
 * A vote counts only from a member the agent hears under its DM policy
 * (lib/agents/policy.ts `hears`, the check texts pass too): under `disabled`,
 * off the allowlist or with a pairing not yet approved it changes nothing.
 */
import type { DecodedMessage, EnrichedReply, Reaction } from "@xmtp/node-sdk";
import { agentState, hears } from "@/lib/agents/policy";
import { recordVote, withdrawVote } from "@/lib/polls/mutations";
import { isPollMessage } from "@/lib/polls/queries";
import { voteOption } from "@/lib/polls/votes";
import { isReactionMessage, Reactions } from "@/workers/agents/answer/history";

export const isReplyMessage = (m: DecodedMessage<unknown>): m is DecodedMessage<EnrichedReply> =>
  m.contentType?.authorityId === "xmtp.org" &&
  m.contentType.typeId === "reply" &&
  typeof m.content === "object" &&
  m.content !== null;

/** The text of a reply message, when it replies with text. */
export function replyText(m: DecodedMessage<unknown>): string | undefined {
  if (!isReplyMessage(m)) return undefined;
  const content = (m.content as EnrichedReply).content;
  return typeof content === "string" ? content : undefined;
}

/** Records `m` when it is a vote on one of this conversation's polls; true when it was a vote (not to be answered). */
export async function handlePollVote(m: DecodedMessage<unknown>, agentId: string): Promise<boolean> {
  let vote: { pollMessageId: string; option: number; removed: boolean } | undefined;
  if (isReactionMessage(m)) {
    const r = m.content as Reaction;
    const option = voteOption(r.content ?? "");
    if (option !== null)
      vote = { pollMessageId: r.reference, option, removed: r.action === Reactions.Removed };
  } else if (isReplyMessage(m)) {
    const text = replyText(m);
    const option = text === undefined ? null : voteOption(text);
    if (option !== null)
      vote = { pollMessageId: (m.content as EnrichedReply).referenceId, option, removed: false };
  }
  if (!vote) return false;
  if (!(await hears(await agentState(agentId), m.senderInboxId))) {
    // Not counted, and not answered either when it names a poll (a vote is never answered).
    return isPollMessage(m.conversationId, vote.pollMessageId);
  }
  const v = {
    conversationId: m.conversationId,
    pollMessageId: vote.pollMessageId,
    voter: m.senderInboxId,
    option: vote.option,
    messageId: m.id,
    sentAtNs: m.sentAtNs,
  };
  if (vote.removed) {
    await withdrawVote(v);
    return true;
  }
  // A number replied to a poll is a vote even when it no longer counts (closed): nothing to answer.
  return (await recordVote(v)) !== "no_poll";
}
