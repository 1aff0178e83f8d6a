"use server";
/** My agents' actions: stopping an agent (owner only, checked here). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { stopAgent } from "@/lib/agents/mutations";
import { closeGuestChats } from "@/lib/chat/guest";

const stopAction = action(z.object({ agentId: z.string().min(1).max(64) }), async ({ agentId }, user) => {
  await stopAgent(agentId, { ownerId: user.id, actor: user.id });
  await closeGuestChats(agentId);
  revalidatePath("/agents");
  revalidatePath(`/agents/${agentId}`);
  return { agentId };
});

/** Stops one of the user's agents: its status becomes `stopped` and the worker leaves its conversations. */
export async function stopMyAgent(_state: ActionResult<{ agentId: string }> | null, form: FormData) {
  return stopAction(form);
}
