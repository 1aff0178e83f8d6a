/**
 * Sending one firing of a reminder or schedule (lib/schedules/firing.ts) in
 * the agent's conversation: `post` sends its text, `prompt` runs an agent turn
 * on it (the model with the agent's tools, as for a message; its tool calls
 * are keyed by the firing, so a replay after a crash doesn't repeat them).
 * Sent at most once: the firing is claimed (pending → sending) before the send.
 */
import type { Firing } from "@/lib/schedules/firing";
import { claimFiring, finishFiring } from "@/lib/schedules/firing";
import { formatLocal } from "@/lib/schedules/wall-clock";
import { agentState, recordTraffic } from "@/lib/agents/policy";
import { spendHook, TokenCapReached } from "@/lib/llm/budget";
import type { MessageRef } from "@/lib/agents/tools";
import { Direction } from "@/lib/convos";
import type { AnswerContext } from "./answer";
import { toolsOf } from "./answer-input";
import { messageResolver, type GroupContext } from "./group";
import { HISTORY_MAX_MESSAGES, toTurns } from "./history";
import { splitAnswer } from "./split";
import { toolSession } from "./tool-session";

/** The text a `post` firing sends. */
export function reminderText(f: Pick<Firing, "text" | "late" | "dueAt" | "timeZone">): string {
  return f.late ? `⏰ (late, was due ${formatLocal(f.dueAt, f.timeZone)}) ${f.text}` : `⏰ ${f.text}`;
}

async function scheduledTurn(ctx: AnswerContext, f: Firing): Promise<{ parts: string[] }> {
  const agent = await agentState(ctx.agentId);
  const cap = agent.tokenCap ?? ctx.defaultTokenCap;
  if (!ctx.responder.usesModel) return { parts: [reminderText(f)] }; // offline: the task's text
  if (cap != null && agent.tokensUsed >= cap) return { parts: [] };
  const key = `schedule:${f.scheduleId}:${f.dueAt.getTime()}`;
  const message: MessageRef = { id: key, senderInboxId: "" };
  const [recent, members] = await Promise.all([
    ctx.group.messages({ limit: HISTORY_MAX_MESSAGES * 3, direction: Direction.Descending }),
    ctx.members.members(),
  ]);
  const history = toTurns(recent, ctx.ownInboxId);
  const nameOf = (inboxId: string) => ctx.members.nameOf(inboxId);
  const group: GroupContext = {
    ownInboxId: ctx.ownInboxId,
    members,
    nameOf,
    timeZone: agent.timeZone,
    now: new Date(),
    message,
  };
  const tools = toolsOf(agent);
  const reply = await ctx.responder
    .reply({
      agentName: agent.name,
      instructions: agent.instructions,
      text: `(A scheduled task set earlier in this conversation is due now${f.late ? `, late: it was due ${formatLocal(f.dueAt, f.timeZone)}` : ""}. Do it and post the result: ${f.text})`,
      senderInboxId: "",
      history,
      signal: ctx.signal,
      group,
      tokenBudget: cap == null ? undefined : Math.max(0, cap - agent.tokensUsed),
      tools:
        tools.length === 0
          ? undefined
          : toolSession({
              tools,
              key: { identityId: ctx.identity.id, messageId: key },
              context: {
                agentId: ctx.agentId,
                identityId: ctx.identity.id,
                conversationId: ctx.group.id,
                group: ctx.group,
                ownInboxId: ctx.ownInboxId,
                message,
                resolveMessage: messageResolver(message, history),
                nameOf,
                timeZone: agent.timeZone,
              },
              log: ctx.log,
              signal: ctx.signal,
            }),
      // Every model call reserves its worst case under the cap first (lib/llm/budget.ts), as for a message.
      spend: spendHook(agent.id, cap),
    })
    .catch((error: unknown) => {
      if (error instanceof TokenCapReached) return null; // over the cap: nothing posted
      throw error;
    });
  return { parts: reply?.text ? splitAnswer(reply.text) : [] };
}

/** Sends `f` once (see the module comment); a failure is recorded on the firing and logged, never thrown. */
export async function sendFiring(ctx: AnswerContext, f: Firing): Promise<boolean> {
  if (ctx.stopped() || ctx.signal.aborted) return false; // left pending for the next holder of the lease
  if (!(await claimFiring(f))) return false;
  try {
    const { parts } = f.mode === "prompt" ? await scheduledTurn(ctx, f) : { parts: [reminderText(f)] };
    for (const part of parts) await ctx.group.sendText(part);
    await finishFiring(f, "sent");
    await recordTraffic(ctx.agentId, { out: parts.length }); // tokens: settled by the spend hook
    ctx.log.info({ scheduleId: f.scheduleId, dueAt: f.dueAt, late: f.late }, "schedule fired");
    return true;
  } catch (err) {
    ctx.log.warn({ err, scheduleId: f.scheduleId }, "sending a schedule's run failed");
    await finishFiring(f, "failed").catch(() => undefined);
    return false;
  }
}
