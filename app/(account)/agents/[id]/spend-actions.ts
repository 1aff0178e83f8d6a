"use server";
/**
 * The agent page's token cap (owner only, checked here): lower it freely, raise it up to the highest cap an
 * admin allows. The cap is written in one guarded statement (lib/agents/spend.ts), so nothing is half-done.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { config } from "@/lib/config";
import { maxTokenCap, setTokenCap, TOKEN_CAP_LIMIT } from "@/lib/agents/spend";
import { pausedWhy } from "@/lib/agents/budget-state";

export type CapResult = ActionResult<{ message: string }>;

const capAction = action(
  z.object({
    agentId: z.string().min(1).max(64),
    tokenCap: z.coerce
      .number({ message: "The cap must be a number of tokens." })
      .int("The cap must be a whole number of tokens.")
      .min(1, "The cap must be at least 1 token.")
      .max(TOKEN_CAP_LIMIT, `The cap can be at most ${TOKEN_CAP_LIMIT} tokens.`),
  }),
  async ({ agentId, tokenCap }, user) => {
    const defaultCap = config().LLM_TOKEN_CAP_PER_AGENT;
    const state = await setTokenCap(agentId, user.id, tokenCap, {
      defaultCap,
      max: await maxTokenCap(defaultCap),
    });
    revalidatePath(`/agents/${agentId}`);
    revalidatePath("/agents");
    const message = state.paused
      ? `Saved: the cap is ${tokenCap} tokens. The agent stays paused: ${pausedWhy(state)}.`
      : `Saved: the cap is ${tokenCap} tokens.`;
    return { message };
  },
);

/** Sets the agent's token cap; the next answer is held to it. */
export async function changeTokenCap(_state: CapResult | null, form: FormData): Promise<CapResult> {
  return capAction(form);
}
