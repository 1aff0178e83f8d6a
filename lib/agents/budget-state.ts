/**
 * Where an agent stands with its budget: the one reading the agent page, My
 * agents, /admin and the worker share, so "paused: out of budget" means the
 * same thing everywhere.
 *
 * Two things pause an agent. Its token cap (Agent.tokenCap, else
 * LLM_TOKEN_CAP_PER_AGENT; none = unlimited) once tokensUsed reaches it: the
 * owner lifts that by raising the cap. And a provider refusing a model call
 * for money (Agent.outOfBudgetAt, an OpenRouter 402): lifted by whoever raises
 * that limit, which clears the mark. Paused, the agent answers a message with
 * one short line instead of calling the model.
 */

/** What the budget reading needs of an agent row. */
export interface BudgetFields {
  tokenCap: number | null;
  tokensUsed: number;
  outOfBudgetAt: Date | null;
}

export type PauseReason = "token_cap" | "provider";

export interface BudgetState {
  used: number;
  /** The cap in force (its own, else the default); null: unlimited. */
  cap: number | null;
  /** used / cap (0 for a cap of 0 with nothing used); null without a cap. */
  fraction: number | null;
  paused: boolean;
  /** Why it is paused (the provider's mark first: raising the cap doesn't lift it); null when it isn't. */
  reason: PauseReason | null;
}

/** The share of the cap at which the owner is told, once per crossing. */
export const NOTICE_FRACTION = 0.8;

/** The agent's budget under its own cap, else `defaultCap` (undefined or null: unlimited). */
export function budgetState(agent: BudgetFields, defaultCap: number | null | undefined): BudgetState {
  const cap = agent.tokenCap ?? defaultCap ?? null;
  const used = agent.tokensUsed;
  const fraction = cap === null ? null : cap === 0 ? (used > 0 ? 1 : 0) : used / cap;
  const reason: PauseReason | null =
    agent.outOfBudgetAt !== null ? "provider" : cap !== null && used >= cap ? "token_cap" : null;
  return { used, cap, fraction, paused: reason !== null, reason };
}

/** The status label of a paused agent (page, My agents, admin). */
export const PAUSED_LABEL = "Paused: out of budget";

/** The line an agent answers with once its cap is used (or a reply could pass it). */
export const capText = (cap: number) =>
  `I've used up my allowance on this server (${cap} tokens), so I can't answer any more for now. My owner can raise the cap.`;

/** The one line a paused agent answers with. */
export function pausedText(state: BudgetState): string {
  if (state.reason === "token_cap") return capText(state.cap ?? 0);
  return "I'm out of budget with my model provider, so I can't answer for now. My owner can raise the limit.";
}

/** Why it is paused, for its owner. */
export function pausedWhy(state: BudgetState): string {
  if (state.reason === "token_cap")
    return `it has used its cap of ${(state.cap ?? 0).toLocaleString("en-US")} tokens; raise the cap to resume`;
  return "its model provider refused a call for money; raise the limit with the provider to resume";
}

/** What the agent tells its owner once it has used NOTICE_FRACTION of its cap. */
export const noticeText = (used: number, cap: number) =>
  `Heads-up: I've used ${Math.floor((used / cap) * 100)} % of my token cap (${used} of ${cap} tokens). When it's all used I'll stop answering until you raise the cap on my page.`;
