/**
 * Sending one firing of a reminder or schedule (lib/schedules/firing.ts) in
 * the agent's conversation: `post` sends its text, `prompt` runs an agent turn
 * on it (the model with the agent's tools, as for a message; its tool calls
 * are keyed by the firing, so a replay after a crash doesn't repeat them).
 * Sent at most once: the firing is claimed (pending → sending) before the send.
 * A run whose creator has left the conversation or may no longer talk to the
 * agent (removed from the allowlist, the policy changed) is not sent: their
 * schedules in the conversation are cancelled instead.
 */
import type { Firing } from "@/lib/schedules/firing";
import { claimFiring, finishFiring } from "@/lib/schedules/firing";
import { cancelSchedulesOfCreator, scheduledTurnKey } from "@/lib/schedules/mutations";
import { formatLocal } from "@/lib/schedules/wall-clock";
import { agentState, hears, recordTraffic, type AgentState } from "@/lib/agents/policy";
import { TokenCapReached } from "@/lib/llm/budget";
import { budgetState } from "@/lib/agents/budget-state";
import type { AnswerContext } from "@/workers/agents/answer/answer-context";
import { responderInput } from "@/workers/agents/answer/model-input";
import { HISTORY_MAX_MESSAGES, toTurns } from "@/workers/agents/answer/history";
import { splitAnswer } from "@/workers/agents/answer/split";

/** The text a `post` firing sends. */
export function reminderText(f: Pick<Firing, "text" | "late" | "dueAt" | "timeZone">): string {
  return f.late ? `⏰ (late, was due ${formatLocal(f.dueAt, f.timeZone)}) ${f.text}` : `⏰ ${f.text}`;
}

async function scheduledTurn(ctx: AnswerContext, f: Firing, agent: AgentState): Promise<{ parts: string[] }> {
  const budget = budgetState(agent, ctx.defaultTokenCap);
  const cap = budget.cap ?? undefined;
  if (!ctx.responder.usesModel) return { parts: [reminderText(f)] }; // offline: the task's text
  if (budget.paused) return { parts: [] }; // out of budget: nobody asked just now, so nothing is posted
  const key = scheduledTurnKey(f);
  const recent = await ctx.conversation.history({ limit: HISTORY_MAX_MESSAGES * 3 });
  const task = `(A scheduled task set earlier in this conversation is due now${f.late ? `, late: it was due ${formatLocal(f.dueAt, f.timeZone)}` : ""}. Do it and post the result: ${f.text})`;
  // Its tool calls are keyed by the firing; every model call reserves its worst case under the cap first.
  const input = await responderInput(
    ctx,
    agent,
    { id: key, senderInboxId: "" },
    task,
    toTurns(recent, ctx.ownInboxId),
    cap,
  );
  const reply = await ctx.responder.reply(input).catch((error: unknown) => {
    if (error instanceof TokenCapReached) return null; // over the cap: nothing posted
    throw error;
  });
  return { parts: reply?.text ? splitAnswer(reply.text) : [] };
}

/** Whether the member who set `f` is still in the conversation and may still talk to the agent. */
async function creatorStays(ctx: AnswerContext, f: Firing, agent: AgentState): Promise<boolean> {
  if (!f.createdByInboxId) return true; // set outside a conversation
  if (!(await hears(agent, f.createdByInboxId))) return false;
  return (await ctx.conversation.members()).includes(f.createdByInboxId);
}

/** Sends `f` once (see the module comment); a failure is recorded on the firing and logged, never thrown. */
export async function sendFiring(ctx: AnswerContext, f: Firing): Promise<boolean> {
  if (ctx.closed() || ctx.signal.aborted) return false; // left pending for the next holder of the lease
  if (!(await claimFiring(f))) return false;
  try {
    const agent = await agentState(ctx.agentId);
    if (!(await creatorStays(ctx, f, agent))) {
      const cancelled = await cancelSchedulesOfCreator(f.identityId, f.createdByInboxId!);
      await finishFiring(f, "cancelled");
      ctx.log.info({ scheduleId: f.scheduleId, cancelled }, "schedule cancelled: its creator is gone");
      return false;
    }
    const { parts } = f.mode === "prompt" ? await scheduledTurn(ctx, f, agent) : { parts: [reminderText(f)] };
    for (const part of parts) await ctx.conversation.send(part);
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
