"use server";
/** Deleting one of the user's agents, or their whole account (lib/privacy/erase.ts; owner checked there). */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signOut } from "@/lib/auth";
import { action, type ActionResult } from "@/lib/actions";
import { closeGuestChats } from "@/lib/chat/guest";
import { config } from "@/lib/config";
import { eraseGuestChatFiles } from "@/lib/privacy/guest-files";
import { deleteAccount, deleteAgent } from "@/lib/privacy/erase";

export type DeleteState = ActionResult<{ deleted: true }> | null;

const deleteAgentAction = action(
  z.object({ agentId: z.string().min(1).max(64) }),
  async ({ agentId }, user) => {
    await deleteAgent(agentId, user.id);
    await closeGuestChats(agentId);
    await eraseGuestChatFiles(config().DATA_DIR, user.id, agentId);
    revalidatePath("/agents");
    return { deleted: true as const };
  },
);

/** The owner deletes an agent: it leaves its conversations, then everything about it is erased; back to My agents. */
export async function deleteMyAgent(_state: DeleteState, form: FormData): Promise<DeleteState> {
  const result = await deleteAgentAction(form);
  if (result.ok) redirect("/agents");
  return result;
}

const deleteAccountAction = action(z.object({ confirm: z.literal("delete") }), async (_input, user) => {
  for (const agentId of await deleteAccount(user.id)) await closeGuestChats(agentId);
  await eraseGuestChatFiles(config().DATA_DIR, user.id);
  return { deleted: true as const };
});

/** The user deletes their account: every agent leaves and is erased, then the user; signed out to the catalog. */
export async function deleteMyAccount(_state: DeleteState, form: FormData): Promise<DeleteState> {
  const result = await deleteAccountAction(form);
  if (result.ok) await signOut({ redirectTo: "/" });
  return result;
}
