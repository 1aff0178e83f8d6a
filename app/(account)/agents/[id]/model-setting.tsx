import { agentModelChoice } from "@/lib/agents/model";
import { config } from "@/lib/config";
import { allowedModels, fallbackChain } from "@/lib/llm/models";
import { ModelForm } from "./model-form";

/** The model setting of the agent page, when the admin allows more than one model. */
export async function ModelSetting({ agentId, ownerId }: { agentId: string; ownerId: string }) {
  const allowed = allowedModels(config()).map((m) => m.name);
  const choice = await agentModelChoice(agentId, ownerId);
  if (!choice || allowed.length < 2) return null;
  const [inherited] = fallbackChain(
    allowed.map((name) => ({ name })),
    choice.templateModel,
  );
  // A choice the admin no longer allows counts as none (lib/llm/models.ts): shown as the default.
  const model = choice.model && allowed.includes(choice.model) ? choice.model : null;
  return <ModelForm agentId={agentId} model={model} inherited={inherited.name} allowed={allowed} />;
}
