"use server";
/** The agent page's schedules: the owner cancels one (ownership checked here, on the server). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { AppError } from "@/lib/errors";
import { cancelScheduleOfOwner } from "@/lib/schedules/mutations";

const cancelAction = action(
  z.object({ agentId: z.string().min(1).max(64), scheduleId: z.string().min(1).max(64) }),
  async ({ agentId, scheduleId }, user) => {
    if (!(await cancelScheduleOfOwner(user.id, scheduleId)))
      throw new AppError(
        "not_found",
        "That reminder does not exist, is not yours, or has already ended.",
        404,
      );
    revalidatePath(`/agents/${agentId}`);
    return { scheduleId };
  },
);

/** Cancels one of the user's agent's reminders or schedules. */
export async function cancelMySchedule(_state: ActionResult<{ scheduleId: string }> | null, form: FormData) {
  return cancelAction(form);
}
