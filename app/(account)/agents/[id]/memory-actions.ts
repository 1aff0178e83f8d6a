"use server";
/** The agent page's memories: the owner edits or deletes one, or clears a summary (ownership checked here, on the server). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { AppError } from "@/lib/errors";
import { MemoryError } from "@/lib/memory/memory";
import { clearSummaryOfOwner, deleteMemoryOfOwner, editMemoryOfOwner } from "@/lib/memory/owner";

const ids = { agentId: z.string().min(1).max(64), memoryId: z.string().min(1).max(64) };
const NOT_FOUND = () => new AppError("not_found", "That memory does not exist or is not yours.", 404);

const editAction = action(z.object({ ...ids, text: z.string().max(2_000) }), async (input, user) => {
  try {
    if (!(await editMemoryOfOwner(user.id, input.memoryId, input.text))) throw NOT_FOUND();
  } catch (error) {
    if (error instanceof MemoryError) throw new AppError("invalid_input", error.message, 400);
    throw error;
  }
  revalidatePath(`/agents/${input.agentId}`);
  return { memoryId: input.memoryId };
});

const deleteAction = action(z.object(ids), async ({ agentId, memoryId }, user) => {
  if (!(await deleteMemoryOfOwner(user.id, memoryId))) throw NOT_FOUND();
  revalidatePath(`/agents/${agentId}`);
  return { memoryId };
});

const clearAction = action(
  z.object({ agentId: ids.agentId, conversationId: z.string().min(1).max(200) }),
  async ({ agentId, conversationId }, user) => {
    if (!(await clearSummaryOfOwner(user.id, agentId, conversationId)))
      throw new AppError("not_found", "That summary does not exist or is not yours.", 404);
    revalidatePath(`/agents/${agentId}`);
    return { conversationId };
  },
);

type Result = ActionResult<{ memoryId: string }> | null;

/** Saves a new text for one of the user's agent's memories. */
export async function editMyMemory(_state: Result, form: FormData) {
  return editAction(form);
}

/** Deletes one of the user's agent's memories. */
export async function deleteMyMemory(_state: Result, form: FormData) {
  return deleteAction(form);
}

/** Clears the summary of earlier messages of one of the user's agent's conversations. */
export async function clearMySummary(
  _state: ActionResult<{ conversationId: string }> | null,
  form: FormData,
) {
  return clearAction(form);
}
