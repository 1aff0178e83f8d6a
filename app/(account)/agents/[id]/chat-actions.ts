"use server";
/** The browser chat's send action (owner only, XMTP_ENV=local): sends through the user's guest session. */
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { ownerConversationInvite } from "@/lib/agents/queries";
import { guestChat } from "@/lib/chat/guest";
import { AppError } from "@/lib/errors";

const sendAction = action(
  z.object({
    agentId: z.string().min(1).max(64),
    text: z
      .string()
      .trim()
      .min(1, "Type a message first.")
      .max(4000, "Messages can be at most 4000 characters."),
  }),
  async ({ agentId, text }, user) => {
    const inviteUrl = await ownerConversationInvite(agentId, user.id);
    if (!inviteUrl)
      throw new AppError("not_found", "No conversation of yours to chat in for this agent.", 404);
    const chat = await guestChat({ userId: user.id, agentId, inviteUrl, name: user.name ?? "You" });
    await chat.send(text);
    return { sent: true };
  },
);

export async function sendChatMessage(_state: ActionResult<{ sent: boolean }> | null, form: FormData) {
  return sendAction(form);
}
