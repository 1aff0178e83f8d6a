"use server";
/**
 * The agent page's invites: the owner revokes, locks or unlocks one of the agent's conversations. The
 * ownership is checked here, on the server; the change is a request the worker running that conversation
 * carries out (lib/invites/requests.ts), and the action waits for its outcome.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { AppError } from "@/lib/errors";
import { ownersCreatedConversation } from "@/lib/invites/conversations";
import { changeInvites } from "@/lib/invites/requests";

const WAIT_MS = 15_000;

const changeAction = action(
  z.object({
    agentId: z.string().min(1).max(64),
    identityId: z.string().min(1).max(64),
    change: z.enum(["revoke", "lock", "unlock"]),
  }),
  async ({ agentId, identityId, change }, user) => {
    if (!(await ownersCreatedConversation(agentId, identityId, user.id)))
      throw new AppError(
        "not_found",
        "That conversation is not one your agent created, or it has ended.",
        404,
      );
    const outcome = await changeInvites(agentId, identityId, { action: change }, WAIT_MS);
    if (!outcome.ok) throw new AppError("invite_change_failed", outcome.line, 409);
    revalidatePath(`/agents/${agentId}`);
    return { line: outcome.line };
  },
);

/** Revokes, locks or unlocks one conversation of the user's agent. */
export async function changeMyInvites(_state: ActionResult<{ line: string }> | null, form: FormData) {
  return changeAction(form);
}
