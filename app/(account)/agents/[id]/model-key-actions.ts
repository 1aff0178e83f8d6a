"use server";
/** The agent page's model key: its owner raises the key's limit one step (owner only, checked in lib). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { raiseKeyLimit } from "@/lib/providers/openrouter/limit";
import { openRouterSettings } from "@/lib/providers/openrouter/settings";

const raiseAction = action(z.object({ agentId: z.string().min(1).max(64) }), async ({ agentId }, user) => {
  const openRouter = openRouterSettings(config());
  if (!openRouter) throw new AppError("not_configured", "Model keys are not turned on on this server.");
  const limit = await raiseKeyLimit(openRouter, agentId, user.id);
  revalidatePath(`/agents/${agentId}`);
  return { limit };
});

/** Raises the agent's key limit by one step, up to the admin's maximum; lifts an out-of-budget pause. */
export async function raiseModelKeyLimit(_state: ActionResult<{ limit: number }> | null, form: FormData) {
  return raiseAction(form);
}
