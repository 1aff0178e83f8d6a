/**
 * Handling one message of an agent's conversation, in this order:
 *
 *   ignore   the agent's own messages, other conversations, non-text content
 *            (reactions, profiles, join requests: context at most, never answered)
 *   claim    in the ledger for this run (lib/identities/ledger.ts), else skip
 *   command  "/…" in the owner conversation (commands.ts; operators only;
 *            no reply at all to others under pairing and disabled)
 *   policy   operators always; else dmPolicy: open, allowlist, pairing (one
 *            code per unknown sender, silence until approved), disabled
 *   cap      the most a reply can cost is reserved first (lib/llm/budget.ts);
 *            when that would pass the token cap the agent says so instead
 *   answer   history + responder, 👀 while it takes longer than 1.5 s, the
 *            answer split into chat-sized messages
 *   send     only if this run still holds the claim (`markSending`), then done
 */
import type { DecodedMessage, Group } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import {
  agentState,
  claimAnswer,
  finishMessage,
  markSending,
  recordTraffic,
  requestPairing,
  type AgentState,
} from "@/lib/identities";
import { spendWithinCap, truncateIncoming } from "@/lib/llm/budget";
import { isCommand, runCommand, type ConversationOps } from "./commands";
import type { WorkerEvents } from "./events";
import { historyBefore, Reactions } from "./history";
import type { Responder } from "./responder";
import { splitAnswer } from "./split";

export interface AnswerContext {
  /** This runtime run's token in the ledger. */
  run: string;
  identity: { id: string; isOwnerConversation: boolean };
  agentId: string;
  group: Group<unknown>;
  ownInboxId: string;
  responder: Responder;
  ops: ConversationOps;
  events: WorkerEvents;
  log: Logger;
  signal: AbortSignal;
  thinkingAfterMs: number;
  defaultTokenCap?: number;
  stopped(): boolean;
  /** Sends a line later (a /join outcome), after the queued work. */
  later(outcome: Promise<string>): void;
}

type Decision = { kind: "answer" } | { kind: "silent" } | { kind: "say"; text: string; as: "paired" };

export const pairingText = (code: string) =>
  `Hi! I only talk with people my owner has approved. Ask them to send "/approve ${code}" in my owner conversation.`;

export const capText = (cap: number) =>
  `I've used up my allowance on this server (${cap} tokens), so I can't answer any more for now. My owner can raise the cap.`;

async function admit(agent: AgentState, sender: string): Promise<Decision> {
  if (agent.operators.includes(sender)) return { kind: "answer" };
  switch (agent.dmPolicy) {
    case "open":
      return { kind: "answer" };
    case "allowlist":
      return agent.allowlist.includes(sender) ? { kind: "answer" } : { kind: "silent" };
    case "disabled":
      return { kind: "silent" };
    case "pairing": {
      const pairing = await requestPairing(agent.id, sender);
      if (pairing.status === "approved") return { kind: "answer" };
      if (pairing.status === "new") return { kind: "say", text: pairingText(pairing.code), as: "paired" };
      return { kind: "silent" };
    }
  }
}

/** Sends 👀 on `m` if `work` takes longer than `afterMs`, and takes it back when it is done. */
async function withThinking<T>(ctx: AnswerContext, m: DecodedMessage<unknown>, work: Promise<T>): Promise<T> {
  const reaction = (action: typeof Reactions.Added | typeof Reactions.Removed) =>
    ctx.group.sendReaction({
      reference: m.id,
      referenceInboxId: m.senderInboxId,
      action,
      content: "👀",
      schema: Reactions.Unicode,
    });
  let shown: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    shown = reaction(Reactions.Added).catch((err) => ctx.log.warn({ err }, "thinking reaction failed"));
  }, ctx.thinkingAfterMs);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
    if (shown) {
      await shown;
      await reaction(Reactions.Removed).catch((err) => ctx.log.warn({ err }, "removing the reaction failed"));
    }
  }
}

/** The text of a message someone else sent to `groupId`, else undefined (never answered). */
export function incomingText(
  m: DecodedMessage<unknown>,
  groupId: string,
  ownInboxId: string,
): string | undefined {
  if (m.conversationId !== groupId || m.senderInboxId === ownInboxId) return undefined;
  const isText = m.contentType?.authorityId === "xmtp.org" && m.contentType.typeId === "text";
  return isText && typeof m.content === "string" ? m.content : undefined;
}

/** Handles one message at most once per the ledger; errors other than a stop are logged and the message marked failed. */
export async function answerMessage(ctx: AnswerContext, m: DecodedMessage<unknown>): Promise<void> {
  if (ctx.stopped() || ctx.signal.aborted) return; // left unclaimed: the next run answers it
  const text = incomingText(m, ctx.group.id, ctx.ownInboxId);
  if (text === undefined) return;
  const started = performance.now();
  if (!(await claimAnswer(ctx.identity.id, m.id, ctx.run))) return;
  try {
    const agent = await agentState(ctx.agentId);
    let parts: string[] = [];
    let done: "answered" | "skipped" | "paired" = "answered";
    if (isCommand(text) && ctx.identity.isOwnerConversation) {
      const reply = await runCommand({
        text,
        sender: m.senderInboxId,
        agent,
        ops: ctx.ops,
        sayLater: ctx.later,
      });
      if (reply === null) done = "skipped";
      else parts = [reply];
    } else {
      const decision = await admit(agent, m.senderInboxId);
      if (decision.kind === "silent") done = "skipped";
      else if (decision.kind === "say") {
        parts = [decision.text];
        done = decision.as;
      } else {
        const history = await historyBefore(ctx.group, m, ctx.ownInboxId);
        const input = {
          agentName: agent.name,
          instructions: agent.instructions,
          text: truncateIncoming(text),
          senderInboxId: m.senderInboxId,
          history,
          signal: ctx.signal,
        };
        const cap = agent.tokenCap ?? ctx.defaultTokenCap;
        const spent = await spendWithinCap(
          agent.id,
          ctx.responder.usesModel ? cap : undefined,
          ctx.responder.costBound?.(input) ?? 0,
          () => withThinking(ctx, m, ctx.responder.reply(input)),
          (reply) => reply?.tokens ?? 0,
        );
        if (!spent.ok) parts = [capText(cap ?? 0)];
        else if (spent.value) parts = splitAnswer(spent.value.text);
        else done = "skipped";
      }
    }
    if (ctx.signal.aborted) return; // stopping: the claim stays open for the next run
    if (parts.length > 0) {
      if (!(await markSending(ctx.identity.id, m.id, ctx.run))) {
        ctx.log.warn({ messageId: m.id }, "another run took this message over; dropping our answer");
        return;
      }
      for (const part of parts) await ctx.group.sendText(part);
    }
    await finishMessage(ctx.identity.id, m.id, done);
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
  } catch (error) {
    if (ctx.signal.aborted) return;
    await finishMessage(ctx.identity.id, m.id, "failed").catch(() => undefined);
    throw error;
  }
}
