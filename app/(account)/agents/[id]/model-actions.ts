"use server";
/** The agent page's model setting: one of the models the admin allows (owner only, checked here). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { setAgentModel } from "@/lib/agents/model";
import { config } from "@/lib/config";
import { allowedModels } from "@/lib/llm/models";

const modelAction = action(
  z.object({
    agentId: z.string().min(1).max(64),
    /** "" = no choice of the owner's: the template's model, else the default. */
    model: z.string().trim().max(200),
  }),
  async ({ agentId, model }, user) => {
    await setAgentModel(agentId, user.id, model || null, allowedModels(config()));
    revalidatePath(`/agents/${agentId}`);
    return { model: model || null };
  },
);

/** Changes the model the agent answers with; the next answer uses it. */
export async function changeModel(_state: ActionResult<{ model: string | null }> | null, form: FormData) {
  return modelAction(form);
}
