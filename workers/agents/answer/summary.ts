/**
 * Writing the rolling summary of a conversation (lib/memory/summary.ts), after
 * an answer has been sent and never in its way: `summariseLater` starts it in
 * the background (tracked, so a shutdown waits for it; the model call aborts
 * with the worker's signal), one at a time per conversation.
 *
 * A check reads the newest messages from the XMTP client's local database and
 * finds the text messages the history window leaves out that the summary does
 * not cover yet (history.ts `beyondWindow`). Once at least
 * MEMORY_SUMMARY_AFTER of them have piled up, the model folds them into the old
 * summary, its call reserved under the agent's token cap like an answer's
 * (lib/llm/budget.ts): over the cap there is no summary, and nothing is said.
 * A check runs only once that many messages could have come since the last
 * (counted from the answers), so most answers read nothing. A failed call is
 * logged and tried again after SUMMARY_RETRY_MS; nothing shows in the chat.
 * The offline responder writes none.
 */
import type { Logger } from "pino";
import type { Conversation } from "@/lib/agents/conversation";
import type { AgentState } from "@/lib/agents/policy";
import { budgetState } from "@/lib/agents/budget-state";
import { db } from "@/lib/db";
import { spendHook, TokenCapReached } from "@/lib/llm/budget";
import type { Prices } from "@/lib/llm/prices";
import {
  keptSummary,
  saveSummary,
  SUMMARISER_INSTRUCTIONS,
  summariserInput,
  summaryOf,
  type LeftMessage,
} from "@/lib/memory/summary";
import type { AnswerContext } from "./answer-context";
import type { Responder } from "./contracts";
import { beyondWindow, HISTORY_MAX_MESSAGES } from "./history";

/**
 * Messages a check reads when MEMORY_SUMMARY_AFTER is `after`: the window's and, beyond it, room for twice
 * `after` (other content, reactions and profiles, is read too). At most 260 with the setting's 100.
 */
export const summaryReadMessages = (after: number) => HISTORY_MAX_MESSAGES * 3 + 2 * after;
/** After a failed summary call, the next try waits at least this long. */
export const SUMMARY_RETRY_MS = 60_000;

/** What writing one summary needs: the conversation, who is who, the model and the agent's cap. */
export interface SummaryWriter {
  agentId: string;
  agent: Pick<AgentState, "name" | "model">;
  /** The agent's token cap; undefined = unlimited. */
  cap: number | undefined;
  /** What models cost (LLM_PRICES): the summary's tokens are counted with their cost like an answer's. */
  prices?: Prices;
  conversation: Conversation;
  ownInboxId: string;
  nameOf(inboxId: string): string;
  responder: Responder;
  signal: AbortSignal;
  log: Pick<Logger, "info" | "warn">;
}

/** What a check did: `waiting` messages beyond the window still uncovered; `later` when the cap refused the call. */
export interface SummaryOutcome {
  written: boolean;
  waiting: number;
  later?: "cap";
}

/** The model's call for one summary; null when the cap refused it. Throws when the model failed. */
async function modelSummary(w: SummaryWriter, text: string): Promise<string | null> {
  try {
    const reply = await w.responder.reply({
      agentId: w.agentId,
      model: w.agent.model,
      agentName: w.agent.name,
      instructions: SUMMARISER_INSTRUCTIONS,
      text,
      senderInboxId: "",
      history: [],
      signal: w.signal,
      spend: spendHook(w.agentId, w.cap, w.prices),
    });
    if (!reply || reply.failed) throw new Error("the model gave no summary");
    return reply.text;
  } catch (error) {
    if (error instanceof TokenCapReached) return null;
    throw error;
  }
}

/**
 * Writes the conversation's summary when at least `after` messages left the window uncovered; never
 * writes with a responder that uses no model. Throws when the model call failed (nothing kept).
 */
export async function writeSummary(w: SummaryWriter, after: number): Promise<SummaryOutcome> {
  if (!w.responder.usesModel || after < 1) return { written: false, waiting: 0 };
  const scope = { agentId: w.agentId, conversationId: w.conversation.id };
  const old = await summaryOf(db, scope);
  const newest = await w.conversation.history({ limit: summaryReadMessages(after) });
  const left = beyondWindow(newest, w.ownInboxId, old?.coveredUntilNs ?? 0n);
  if (left.length < after) return { written: false, waiting: left.length };
  const messages: LeftMessage[] = left.map((m) => ({
    sentAtNs: m.sentAtNs,
    who: m.senderInboxId === w.ownInboxId ? "you" : w.nameOf(m.senderInboxId),
    text: m.content as string,
  }));
  const { text, covered } = summariserInput(old?.text ?? "", messages);
  const said = await modelSummary(w, text);
  if (said === null) {
    w.log.info({ waiting: left.length }, "no summary: the token cap would be passed");
    return { written: false, waiting: left.length, later: "cap" };
  }
  const kept = keptSummary(said);
  const written = await saveSummary(scope, old?.coveredUntilNs ?? null, {
    text: kept,
    coveredUntilNs: covered.at(-1)!.sentAtNs,
    messages: (old?.messages ?? 0) + covered.length,
  });
  w.log.info({ covered: covered.length, chars: kept.length, written }, "summarised older messages");
  return { written, waiting: left.length - covered.length };
}

/** Per conversation (of one runtime run): messages since the last check, a check running, the next try. */
interface Due {
  pending: number;
  running: boolean;
  notBefore: number;
}
const dues = new WeakMap<Conversation, Due>();

/**
 * After an answer of `added` messages (the member's and the agent's) was sent: starts a summary check in
 * the background when one may be due. Never throws and never waits.
 */
export function summariseLater(ctx: AnswerContext, agent: AgentState, added: number): void {
  const after = ctx.settings.MEMORY_SUMMARY_AFTER;
  if (after < 1 || !ctx.responder.usesModel) return;
  if (budgetState(agent, ctx.defaultTokenCap).paused) return; // out of budget: no model call at all
  let due = dues.get(ctx.conversation);
  if (due) due.pending += added;
  else dues.set(ctx.conversation, (due = { pending: after, running: false, notBefore: 0 }));
  if (due.running || due.pending < after || Date.now() < due.notBefore) return;
  const d = due;
  d.running = true;
  const writer: SummaryWriter = {
    agentId: ctx.agentId,
    agent,
    cap: agent.tokenCap ?? ctx.defaultTokenCap,
    prices: ctx.settings.LLM_PRICES,
    conversation: ctx.conversation,
    ownInboxId: ctx.ownInboxId,
    nameOf: (inboxId) => ctx.members.nameOf(inboxId),
    responder: ctx.responder,
    signal: ctx.signal,
    log: ctx.log,
  };
  void ctx.inFlight.track(
    writeSummary(writer, after)
      .then((outcome) => {
        d.pending = outcome.waiting;
        if (outcome.later) d.notBefore = Date.now() + SUMMARY_RETRY_MS;
      })
      .catch((err: unknown) => {
        if (ctx.signal.aborted) return;
        d.notBefore = Date.now() + SUMMARY_RETRY_MS;
        ctx.log.warn({ err }, "writing the conversation's summary failed; tried again later");
      })
      .finally(() => (d.running = false)),
  );
}
