"use server";
/** The agent page's settings: the time zone the agent tells time in (owner only, checked here). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { setAgentTimeZone } from "@/lib/agents/mutations";

const timeZoneAction = action(
  z.object({
    agentId: z.string().min(1).max(64),
    timeZone: z.string().trim().min(1, "Choose a time zone.").max(64),
  }),
  async ({ agentId, timeZone }, user) => {
    await setAgentTimeZone(agentId, user.id, timeZone);
    revalidatePath(`/agents/${agentId}`);
    return { timeZone };
  },
);

/** Changes the agent's time zone (an IANA name); the next answer uses it. */
export async function changeTimeZone(_state: ActionResult<{ timeZone: string }> | null, form: FormData) {
  return timeZoneAction(form);
}
