/**
 * Handling one message of an agent's conversation, in this order:
 *
 *   ignore   the agent's own messages, other conversations, non-text content
 *            (reactions, profiles, join requests: context at most, never answered);
 *            votes on the agent's polls are recorded (poll-votes.ts), a text reply is text
 *   take     in the ledger for this run (lib/ledger/messages.ts), else skip;
 *            a message whose answer crashed or hung the worker too often
 *            is given up instead, with one notice
 *   command  "/…" in the owner conversation (commands.ts; operators only;
 *            no reply at all to others under pairing and disabled)
 *   policy   operators always; else dmPolicy: open, allowlist, pairing (one
 *            code per unknown sender, silence until approved), disabled
 *   cap      the most a reply can cost is reserved first (lib/llm/budget.ts);
 *            when that would pass the token cap the agent says so instead
 *   read     a read receipt (coalesced per conversation: read-receipts.ts)
 *   loops    an agent's text only when it names this agent, and not more than
 *            a few times in a row (runtime/agent-loop.ts)
 *   answer   history + responder, the answer split into chat-sized messages;
 *            a Convos thinking status while it takes longer than 1.5 s, its
 *            stop always sent, with the answer's id (thinking.ts)
 *   send     only if this run still holds the message (`markSending`), then done
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import { finishMessage, giveUpAnswer, markSending, takeCounted } from "@/lib/ledger/messages";
import { failUnfinishedToolCalls } from "@/lib/ledger/tool-calls";
import { agentState, hears, recordTraffic, requestPairing, type AgentState } from "@/lib/agents/policy";
import { looksLikeOperatorCode, redeemOperatorCode } from "@/lib/agents/operators";
import { TokenCapReached, truncateIncoming } from "@/lib/llm/budget";
import { budgetState, capText, noticeText, pausedText } from "@/lib/agents/budget-state";
import { claimBudgetNotice } from "@/lib/agents/spend";
import { answerInput } from "./model-input";
import { isCommand, noOperatorYet, runCommand } from "./commands";
import type { AnswerContext } from "./answer-context";
import { isReactionMessage } from "./history";
import { startThinking, stopEarlierThinking } from "./thinking";
import { answerStep, timedAnswer } from "@/lib/perf/answer-timeline";
import type { AgentLoopGuard, LoopVerdict } from "@/workers/agents/runtime/agent-loop";
import { shortInboxId } from "@/workers/agents/runtime/members";
import { noteOperatorName } from "@/workers/agents/handoff/operator-names";
import { handlePollVote, replyText } from "@/workers/agents/runtime/poll-votes";
import { splitAnswer } from "./split";
import { isAttachmentMessage, takeCaption } from "./attachments";
import { summariseLater } from "./summary";

type Decision = { kind: "answer" } | { kind: "silent" } | { kind: "say"; text: string; as: "paired" };

export const pairingText = (code: string) =>
  `Hi! I only talk with people my owner has approved. Ask them to send "/approve ${code}" in my owner conversation.`;

export const operatorWelcome = (agentName: string) =>
  `You're now an operator of ${agentName}: send /help in my owner conversation to see what you can do.`;

export const gaveUpText = (attempts: number) =>
  `Sorry, I couldn't do that request: it failed ${attempts} times, so I've given up on it.`;

/** Gives up `m` if earlier runs took it too often without finishing, telling the conversation once. */
async function giveUp(ctx: AnswerContext, m: DecodedMessage<unknown>): Promise<void> {
  const attempts = ctx.settings.AGENT_ANSWER_ATTEMPTS;
  if (!(await giveUpAnswer(ctx.identity.id, m.id, ctx.run, attempts))) return;
  const text = gaveUpText(attempts);
  const key = { identityId: ctx.identity.id, messageId: m.id };
  const calls = await failUnfinishedToolCalls(key, `Error: given up after ${attempts} attempts.`);
  ctx.log.warn(
    { messageId: m.id, attempts, unfinishedToolCalls: calls },
    "gave up on a message that crashed or hung every answer",
  );
  const notice = await ctx.conversation.send(text);
  await stopEarlierThinking(ctx.conversation, m.id, notice, ctx.log);
  await recordTraffic(ctx.agentId, { in: 1, out: 1 });
}

export { capText };

async function admit(agent: AgentState, sender: string, publicUrl: string): Promise<Decision> {
  if (await hears(agent, sender)) return { kind: "answer" };
  if (agent.dmPolicy !== "pairing") return { kind: "silent" };
  const pairing = await requestPairing(agent.id, sender);
  if (pairing.status === "approved") return { kind: "answer" };
  if (pairing.status !== "new") return { kind: "silent" };
  // Nobody can approve the code until the owner steers the agent: the owner, often the first to speak, reads how.
  const text =
    pairingText(pairing.code) +
    (agent.operators.length === 0 ? `\n${noOperatorYet(agent.id, publicUrl)}` : "");
  return { kind: "say", text, as: "paired" };
}

/** The text of a message someone else sent to `groupId` (a text, or a reply's text), else undefined (never answered). */
export function incomingText(
  m: DecodedMessage<unknown>,
  groupId: string,
  ownInboxId: string,
): string | undefined {
  if (m.conversationId !== groupId || m.senderInboxId === ownInboxId) return undefined;
  const isText = m.contentType?.authorityId === "xmtp.org" && m.contentType.typeId === "text";
  return isText && typeof m.content === "string" ? m.content : replyText(m);
}

/** Whether `m` goes to the answer queue: someone else's text or reply (an answer) or reaction (maybe a poll vote). */
export function needsHandling(m: DecodedMessage<unknown>, groupId: string, ownInboxId: string): boolean {
  if (incomingText(m, groupId, ownInboxId) !== undefined) return true;
  const fromOthers = m.conversationId === groupId && m.senderInboxId !== ownInboxId;
  return fromOthers && (isReactionMessage(m) || isAttachmentMessage(m));
}

type Outcome = { parts: string[]; done: "answered" | "skipped" | "paired" };

/** What to say to `text` (nothing: skipped): an operator code, a command, the dm policy, the cap, the model. */
async function decide(
  ctx: AnswerContext,
  agent: AgentState,
  m: DecodedMessage<unknown>,
  text: string,
  firstTake: boolean,
): Promise<Outcome> {
  if (
    agent.operatorCode &&
    looksLikeOperatorCode(text) &&
    (await redeemOperatorCode(agent.id, text, m.senderInboxId))
  ) {
    await noteOperatorName(ctx.conversation, agent.id, m.senderInboxId);
    return { parts: [operatorWelcome(agent.name)], done: "answered" };
  }
  if (isCommand(text) && ctx.identity.isOwnerConversation) {
    const reply = await runCommand({
      text,
      sender: m.senderInboxId,
      agent,
      ops: ctx.ops,
      publicUrl: ctx.settings.PUBLIC_URL,
      sayLater: ctx.later,
    });
    return reply === null ? { parts: [], done: "skipped" } : { parts: [reply], done: "answered" };
  }
  const decision = await admit(agent, m.senderInboxId, ctx.settings.PUBLIC_URL);
  if (decision.kind === "silent") return { parts: [], done: "skipped" };
  if (decision.kind === "say") return { parts: [decision.text], done: decision.as };
  const budget = budgetState(agent, ctx.defaultTokenCap);
  // Paused (its cap used, or its provider out of money): one line, and no model call.
  if (ctx.responder.usesModel && budget.paused) return { parts: [pausedText(budget)], done: "answered" };
  const cap = budget.cap ?? undefined;
  // Every model call of this answer (tool rounds too) reserves its worst case under the cap first.
  const input = await answerInput(ctx, agent, m, truncateIncoming(text), cap, { firstTake });
  try {
    // What of the message's attachments couldn't be done, in lines before the answer; alone when nothing is left.
    const notes = input.attachmentNotes?.length ? [input.attachmentNotes.join("\n")] : [];
    if (notes.length > 0 && !input.text.trim() && !input.images?.length)
      return { parts: notes, done: "answered" };
    const reply = await ctx.responder.reply(input);
    if (!reply) return { parts: [], done: "skipped" };
    return { parts: [...notes, ...splitAnswer(reply.text), ...(await budgetNotice(ctx))], done: "answered" };
  } catch (error) {
    if (!(error instanceof TokenCapReached)) throw error;
    return { parts: [capText(cap ?? 0)], done: "answered" };
  }
}

/**
 * The 80 % notice, after an answer in the owner conversation (its tokens settled): said once per crossing.
 * A crossing in another conversation is told with the owner conversation's next answer.
 */
async function budgetNotice(ctx: AnswerContext): Promise<string[]> {
  if (!ctx.identity.isOwnerConversation || !ctx.responder.usesModel) return [];
  const claimed = await claimBudgetNotice(ctx.agentId, ctx.defaultTokenCap);
  return claimed ? [noticeText(claimed.used, claimed.cap)] : [];
}

/** The names that address this agent: its own, and its profile name in this conversation when it set one. */
async function ownNames(ctx: AnswerContext, agent: AgentState): Promise<string[]> {
  await ctx.members.members();
  const profile = ctx.members.nameOf(ctx.ownInboxId);
  return profile === shortInboxId(ctx.ownInboxId) ? [agent.name] : [agent.name, profile];
}

/** The loop rule's verdict on `m` (runtime/agent-loop.ts); every text is a person's without a guard. */
async function loopVerdict(
  ctx: AnswerContext,
  loop: AgentLoopGuard | undefined,
  agent: AgentState,
  m: DecodedMessage<unknown>,
  text: string,
): Promise<LoopVerdict> {
  if (!loop) return { kind: "person" };
  // A command or an operator code is control, not conversation: the reply to one is no question for
  // another agent to answer, so it cannot start a loop. It neither counts toward the streak nor is refused
  // by it, so an operator whose client calls itself an agent (the official CLI does) keeps its commands.
  if (isCommand(text) || looksLikeOperatorCode(text)) return { kind: "control" };
  const verdict = await loop.check(m, text, () => ownNames(ctx, agent));
  if (verdict.kind === "agent" && !verdict.answer)
    ctx.log.info({ messageId: m.id, sender: m.senderInboxId, why: verdict.why }, "not answering an agent");
  return verdict;
}

/**
 * Handles one message at most once per the ledger; errors other than a shutdown's abort are logged and the
 * message marked failed. A thinking start that went out is always followed by its stop.
 */
export async function answerMessage(
  ctx: AnswerContext,
  m: DecodedMessage<unknown>,
  loop?: AgentLoopGuard,
): Promise<void> {
  return timedAnswer(() => answerOnce(ctx, m, loop)); // its steps, when a benchmark times them
}

async function answerOnce(
  ctx: AnswerContext,
  m: DecodedMessage<unknown>,
  loop?: AgentLoopGuard,
): Promise<void> {
  if (ctx.closed() || ctx.signal.aborted) return; // left untaken: the next run answers it
  if (m.conversationId !== ctx.conversation.id || m.senderInboxId === ctx.ownInboxId) return;
  if (await handlePollVote(m, ctx.agentId)) return;
  const spoken = incomingText(m, ctx.conversation.id, ctx.ownInboxId);
  if (spoken === undefined && !isAttachmentMessage(m)) return;
  const started = performance.now();
  const maxTakes = ctx.settings.AGENT_ANSWER_ATTEMPTS;
  const takes = await takeCounted(ctx.identity.id, m.id, ctx.run, maxTakes);
  answerStep("taken in the ledger");
  if (takes === null) return giveUp(ctx, m);
  ctx.conversation.readReceipt().catch((err) => ctx.log.debug({ err }, "sending a read receipt failed"));
  // A message an earlier run took may show its thinking start with no stop: this run's start and stop close it.
  const retake = takes > 1;
  const thinking = startThinking(ctx.conversation, m, retake ? 0 : ctx.thinkingAfterMs, ctx.log);
  const sent: string[] = [];
  let caption: { id: string; text: string } | undefined;
  try {
    // A photo's caption is its sender's next text (attachments.ts): taken and answered with it, as one turn.
    if (spoken === undefined) caption = await takeCaption(ctx, m);
    const text = spoken ?? caption?.text ?? "";
    const agent = await agentState(ctx.agentId);
    answerStep("agent read");
    const verdict = await loopVerdict(ctx, loop, agent, m, text);
    const { parts, done } =
      verdict.kind === "agent" && !verdict.answer
        ? { parts: [], done: "skipped" as const }
        : await decide(ctx, agent, m, text, !retake);
    answerStep("answer made");
    if (ctx.signal.aborted) return; // shutting down: the message stays open for the next run
    if (parts.length > 0) {
      if (!(await markSending(ctx.identity.id, m.id, ctx.run))) {
        ctx.log.warn({ messageId: m.id }, "another run took this message over; dropping our answer");
        return;
      }
      answerStep("won the send");
      for (const part of parts) sent.push(await ctx.conversation.send(part));
      answerStep("sent");
      if (verdict.kind === "agent") loop?.answeredAgent();
    }
    await finishMessage(ctx.identity.id, m.id, done);
    answerStep("finished in the ledger");
    if (caption) await finishMessage(ctx.identity.id, caption.id, done);
    await recordTraffic(ctx.agentId, { in: 1, out: parts.length }); // tokens: settled by spendWithinCap
    const durationMs = Math.round(performance.now() - started);
    ctx.log.info({ messageId: m.id, durationMs, outcome: done }, "handled");
    if (done === "answered")
      ctx.events.emit("agent:answered", {
        agentId: ctx.agentId,
        identityId: ctx.identity.id,
        messageId: m.id,
        durationMs,
      });
    if (done === "answered") summariseLater(ctx, agent, 1 + parts.length); // in the background, after sending
  } catch (error) {
    if (ctx.signal.aborted) return;
    await finishMessage(ctx.identity.id, m.id, "failed").catch(() => undefined);
    if (caption) await finishMessage(ctx.identity.id, caption.id, "failed").catch(() => undefined);
    throw error;
  } finally {
    await thinking.done(sent[0]);
  }
}
