/**
 * The owner's choice of model for an agent, among the models the admin allows
 * (LLM_MODELS, lib/llm/models.ts). Null means none: the template's, else the
 * default. The worker reads it per message (lib/agents/policy.ts), so the next
 * answer uses it.
 */
import { db } from "@/lib/db";
import { checkAllowedModel, type ModelEntry } from "@/lib/llm/models";
import { AgentNotFoundError } from "./mutations";

/** Sets the owner's choice (null: none); ModelNotAllowed for a model off the list, not_found for another's agent. */
export async function setAgentModel(
  agentId: string,
  ownerId: string,
  model: string | null,
  allowed: readonly ModelEntry[],
): Promise<void> {
  if (model !== null) checkAllowedModel(allowed, model);
  const { count } = await db.agent.updateMany({ where: { id: agentId, ownerId }, data: { model } });
  if (count === 0) throw new AgentNotFoundError();
}

/** The owner's choice and the template's, for the agent page; null for someone else's agent. */
export async function agentModelChoice(
  agentId: string,
  ownerId: string,
): Promise<{ model: string | null; templateModel: string | null } | null> {
  const row = await db.agent.findFirst({
    where: { id: agentId, ownerId },
    select: { model: true, template: { select: { model: true } } },
  });
  return row && { model: row.model, templateModel: row.template?.model ?? null };
}
