/**
 * The limit an owner sees and raises on the agent's page: read from OpenRouter (GET /keys/{hash}) when the
 * page renders, with a short deadline; raised (PATCH) one step at a time up to OPENROUTER_KEY_LIMIT_MAX. A
 * raise also lifts the out-of-budget pause a 402 put the agent in.
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { AgentNotFoundError } from "@/lib/agents/mutations";
import { ProviderError } from "@/lib/providers/http";
import { getKey, setKeyLimit } from "./api";
import { recordKeySpend } from "./keys";
import type { OpenRouterSettings } from "./settings";

/** What the agent page shows of the key. */
export type KeyView =
  | { state: "none" }
  | { state: "unreachable" }
  | {
      state: "ready";
      /** USD; null: no limit. */
      limit: number | null;
      remaining: number | null;
      usage: number;
      /** The most an owner may raise it to, and one raise. */
      max: number;
      step: number;
    };

/** The agent's key as OpenRouter reports it now (its usage counted), or why it can't be shown. */
export async function keyView(s: OpenRouterSettings, agentId: string): Promise<KeyView> {
  const row = await db.agentModelKey.findUnique({ where: { agentId }, select: { hash: true } });
  if (!row?.hash) return { state: "none" };
  try {
    const info = await getKey(s, row.hash, true);
    await recordKeySpend(agentId, row.hash, info.usage);
    return {
      state: "ready",
      limit: info.limit,
      remaining: info.limitRemaining,
      usage: info.usage,
      max: s.limitMaxUsd,
      step: s.limitStepUsd,
    };
  } catch (error) {
    if (error instanceof ProviderError) return { state: "unreachable" };
    throw error;
  }
}

/** The limit one raise sets: a step more, never past the maximum (cents, so steps add up exactly). */
export function raisedLimit(
  current: number | null,
  s: Pick<OpenRouterSettings, "limitMaxUsd" | "limitStepUsd">,
) {
  const cents = (usd: number) => Math.round(usd * 100);
  return Math.min(cents(current ?? 0) + cents(s.limitStepUsd), cents(s.limitMaxUsd)) / 100;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * The owner raises their agent's key limit by one step (at most to the maximum) and its out-of-budget
 * pause is lifted; resolves with the new limit. AppErrors say why not: not theirs, no key yet, already at
 * the maximum, OpenRouter out of reach (nothing changed).
 */
export async function raiseKeyLimit(
  s: OpenRouterSettings,
  agentId: string,
  ownerId: string,
): Promise<number> {
  const agent = await db.agent.findFirst({
    where: { id: agentId, ownerId },
    select: { modelKey: { select: { hash: true } } },
  });
  if (!agent) throw new AgentNotFoundError();
  const hash = agent.modelKey?.hash;
  if (!hash)
    throw new AppError("no_model_key", "This agent has no model key yet: it gets one with its first answer.");
  try {
    const { limit } = await getKey(s, hash);
    if (limit !== null && limit >= s.limitMaxUsd)
      throw new AppError("limit_at_most", `The limit is already ${usd(limit)}, the most this server allows.`);
    const next = raisedLimit(limit, s);
    await setKeyLimit(s, hash, next);
    await db.agent.update({ where: { id: agentId }, data: { outOfBudgetAt: null, outOfBudgetReason: null } });
    return next;
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    throw new AppError(
      "provider_unreachable",
      "OpenRouter could not be reached, so the limit is unchanged. Please try again in a minute.",
      503,
    );
  }
}
