/** What the OpenRouter key code reads of the settings, built once from them; null when per-agent keys are off. */
import type { Config } from "@/lib/config";

export interface OpenRouterSettings {
  managementKey: string;
  baseUrl: string;
  /** Our keys' names start with it: OPENROUTER_KEY_PREFIX. */
  prefix: string;
  /** USD: a new key's limit, the most an owner may raise it to, and one raise. */
  limitUsd: number;
  limitMaxUsd: number;
  limitStepUsd: number;
}

type Source = Pick<
  Config,
  | "OPENROUTER_MANAGEMENT_KEY"
  | "OPENROUTER_BASE_URL"
  | "OPENROUTER_KEY_PREFIX"
  | "OPENROUTER_KEY_LIMIT"
  | "OPENROUTER_KEY_LIMIT_MAX"
  | "OPENROUTER_KEY_LIMIT_STEP"
>;

/** The settings of per-agent keys, or null when OPENROUTER_MANAGEMENT_KEY is unset (the feature is off). */
export function openRouterSettings(c: Source): OpenRouterSettings | null {
  if (!c.OPENROUTER_MANAGEMENT_KEY) return null;
  return {
    managementKey: c.OPENROUTER_MANAGEMENT_KEY,
    baseUrl: c.OPENROUTER_BASE_URL,
    prefix: c.OPENROUTER_KEY_PREFIX,
    limitUsd: c.OPENROUTER_KEY_LIMIT,
    limitMaxUsd: c.OPENROUTER_KEY_LIMIT_MAX,
    limitStepUsd: c.OPENROUTER_KEY_LIMIT_STEP,
  };
}

/** The name of an agent's key at OpenRouter. */
export const keyName = (s: Pick<OpenRouterSettings, "prefix">, agentId: string) => `${s.prefix}${agentId}`;

/** The agent id a key of ours names, or null for a key that is not ours. */
export function agentIdOfKey(s: Pick<OpenRouterSettings, "prefix">, name: string): string | null {
  if (!name.startsWith(s.prefix)) return null;
  const id = name.slice(s.prefix.length);
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}
