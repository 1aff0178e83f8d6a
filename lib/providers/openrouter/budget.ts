/**
 * A 402 from the model on an agent's own key: OpenRouter refuses a call for money, with
 * `{error: {code: 402, message, metadata: {limit_source}}}`, limit_source `openrouter_key_limit` (the key's
 * limit is spent) or `openrouter_credits` (the account's credits are). The agent is then marked out of
 * budget (Agent.outOfBudgetAt, the pause a spent token cap also means) and says one line instead of an answer.
 */
import OpenAI from "openai";
import { pausedText } from "@/lib/agents/budget-state";
import { db } from "@/lib/db";
import { ModelError } from "@/lib/llm";

export type OutOfBudgetReason = "key_limit" | "credits" | "other";

/**
 * What the agent says when its key is refused for money: one line, never the provider's text; the same
 * line it answers with while the mark pauses it (lib/agents/budget-state.ts).
 */
export const OUT_OF_BUDGET_TEXT = pausedText({
  used: 0,
  cap: null,
  fraction: null,
  paused: true,
  reason: "provider",
});

/** The model call was refused for money; the agent is marked already. Not a ModelError: no fallback helps. */
export class ModelOutOfBudget extends Error {
  constructor(readonly reason: OutOfBudgetReason) {
    super(`the model refused the call for money (${reason})`);
    this.name = "ModelOutOfBudget";
  }
}

/** Why a failed model call was refused for money, or null when it was not a 402. */
export function outOfBudgetReason(error: unknown): OutOfBudgetReason | null {
  const cause = error instanceof ModelError ? error.cause : error;
  if (!(cause instanceof OpenAI.APIError) || cause.status !== 402) return null;
  const source = (cause.error as { metadata?: { limit_source?: unknown } } | undefined)?.metadata
    ?.limit_source;
  if (source === "openrouter_key_limit") return "key_limit";
  if (source === "openrouter_credits") return "credits";
  return "other";
}

/** Marks the agent out of budget (the first 402's reason is kept until the mark is lifted). */
export async function markOutOfBudget(agentId: string, reason: OutOfBudgetReason): Promise<void> {
  await db.agent.updateMany({
    where: { id: agentId, outOfBudgetAt: null },
    data: { outOfBudgetAt: new Date(), outOfBudgetReason: reason },
  });
}
