/**
 * An agent's model clients on its own key: the allowed models OpenRouter serves (those at LLM_BASE_URL,
 * lib/llm/models.ts `onAgentKey`) go to OPENROUTER_BASE_URL's chat completions with the agent's key; a
 * model behind an endpoint of its own keeps LLM_API_KEY (and is left out without it). A 402 on the agent's
 * key marks the agent out of budget and ends the answer (ModelOutOfBudget) instead of falling back; a 401
 * (the key deleted out of band) makes the agent's next answer make a new key.
 */
import OpenAI from "openai";
import { createModelClient, ModelError, type ModelClient } from "@/lib/llm";
import { onAgentKey, type ModelEntry } from "@/lib/llm/models";
import type { SealingKey } from "@/lib/secrets";
import { markOutOfBudget, ModelOutOfBudget, outOfBudgetReason } from "./budget";
import { agentModelKey, forgetRevokedKey, type AgentKey } from "./keys";
import type { OpenRouterSettings } from "./settings";

export interface AgentClientsOptions {
  openRouter: OpenRouterSettings;
  sealing: SealingKey;
  /** The allowed models, in LLM_MODELS order. */
  models: readonly ModelEntry[];
  LLM_BASE_URL: string;
  LLM_API_KEY?: string;
  maxTokens: number;
}

const revoked = (error: unknown) =>
  error instanceof ModelError && error.cause instanceof OpenAI.APIError && error.cause.status === 401;

/** `client` with a 402 turned into the agent's out-of-budget mark and a ModelOutOfBudget; a 401 forgets the key. */
function watching(agentId: string, key: AgentKey, client: ModelClient): ModelClient {
  return {
    ...client,
    async complete(messages, signal, options) {
      try {
        return await client.complete(messages, signal, options);
      } catch (error) {
        if (revoked(error)) await forgetRevokedKey(agentId, key.hash);
        const reason = outOfBudgetReason(error);
        if (!reason) throw error;
        await markOutOfBudget(agentId, reason);
        throw new ModelOutOfBudget(reason);
      }
    },
  };
}

/** A function giving the agent's clients in the allowed order (its key made on the first call). */
export function agentClients(o: AgentClientsOptions): (agentId: string) => Promise<ModelClient[]> {
  const shared = new Map(
    o.LLM_API_KEY
      ? o.models.map((m) => [
          m.name,
          createModelClient({
            baseURL: m.baseURL,
            apiKey: o.LLM_API_KEY!,
            model: m.name,
            maxTokens: o.maxTokens,
          }),
        ])
      : [],
  );
  return async (agentId) => {
    const key = await agentModelKey(o.openRouter, o.sealing, agentId);
    return o.models.flatMap((m) => {
      if (!onAgentKey(m, o)) return shared.has(m.name) ? [shared.get(m.name)!] : [];
      const client = createModelClient({
        baseURL: o.openRouter.baseUrl,
        apiKey: key.key,
        model: m.name,
        maxTokens: o.maxTokens,
      });
      return [watching(agentId, key, client)];
    });
  };
}
