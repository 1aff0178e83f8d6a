"use server";
/** The agent page's settings: the time zone the agent tells time in, whether it greets (owner only, checked here). */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { setAgentGreeting, setAgentTimeZone } from "@/lib/agents/mutations";
import { GREETING_CHOICES, type GreetingChoice } from "@/lib/agents/greeting";

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

const greetingAction = action(
  z.object({
    agentId: z.string().min(1).max(64),
    greeting: z.enum(GREETING_CHOICES, { message: "Choose whether the agent greets." }),
  }),
  async ({ agentId, greeting }, user) => {
    await setAgentGreeting(agentId, user.id, greeting);
    revalidatePath(`/agents/${agentId}`);
    return { greeting };
  },
);

/** Changes whether the agent greets when it arrives in a conversation (lib/agents/greeting.ts). */
export async function changeGreeting(
  _state: ActionResult<{ greeting: GreetingChoice }> | null,
  form: FormData,
) {
  return greetingAction(form);
}
