/**
 * The agent page's spend: tokens used against the cap, the last 30 days per day, the cost where the model
 * has a price (LLM_PRICES), whether it is paused for its budget, and the owner's cap.
 */
import { budgetState, pausedWhy, PAUSED_LABEL } from "@/lib/agents/budget-state";
import { budgetOfAgent, maxTokenCap, totalCostMicros, usageByDay } from "@/lib/agents/spend";
import { config } from "@/lib/config";
import { formatUsd, priceOf } from "@/lib/llm/prices";
import { SpendChart } from "./spend-chart";
import { SpendForm } from "./spend-form";

const tokens = (n: number) => n.toLocaleString("en-US");

export async function Spend({ agentId, ownerId }: { agentId: string; ownerId: string }) {
  const c = config();
  const agent = await budgetOfAgent(agentId, ownerId);
  if (!agent) return null;
  const [days, cost, max] = await Promise.all([
    usageByDay(agentId),
    totalCostMicros(agentId),
    maxTokenCap(c.LLM_TOKEN_CAP_PER_AGENT),
  ]);
  const state = budgetState(agent, c.LLM_TOKEN_CAP_PER_AGENT);
  const price = priceOf(c.LLM_PRICES, agent.model ?? c.LLM_MODEL);
  const priced = price !== undefined;
  const percent = state.fraction === null ? null : Math.floor(state.fraction * 100);
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm" data-testid="spend-used">
        {state.cap === null
          ? `${tokens(state.used)} tokens used; no cap.`
          : `${tokens(state.used)} of ${tokens(state.cap)} tokens used (${percent} %).`}
        {priced ? ` Cost so far: ${formatUsd(cost)} (at $${price} per million tokens).` : null}
      </p>
      {state.cap !== null ? (
        <meter
          min={0}
          max={state.cap}
          low={Math.floor(state.cap * 0.8)}
          high={Math.floor(state.cap * 0.8)}
          optimum={0}
          value={Math.min(state.used, state.cap)}
          aria-label={`Tokens used: ${percent} % of the cap`}
          className="h-2 w-full max-w-md"
        />
      ) : null}
      {state.paused ? (
        <p className="text-sm font-medium text-danger" data-testid="spend-paused">
          {PAUSED_LABEL}: {pausedWhy(state)}.
        </p>
      ) : null}
      <SpendChart days={days} priced={priced} />
      <SpendForm agentId={agentId} cap={state.cap} max={max} />
    </div>
  );
}
