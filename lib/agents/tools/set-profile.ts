/** `set_profile`: the agent's display name in this conversation (a Convos profile_update, member kind agent). */
import { z } from "zod";
import { defineTool } from "./types";

const args = z.object({
  name: z.string().trim().min(1).max(50).describe("The new display name"),
});

export const setProfileTool = defineTool({
  name: "set_profile",
  label: "Profile",
  summary: "Changes its display name in the conversation when asked.",
  description: "Change your display name in this conversation (only when the members ask you to).",
  args,
  effect: "message",
  async run({ name }, ctx) {
    await ctx.conversation.setProfileName(name);
    return `Your name in this conversation is now ${name}.`;
  },
});
