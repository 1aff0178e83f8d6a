"use server";
/**
 * The browser chat's send action (owner only, XMTP_ENV=local): sends through the user's guest session a
 * text, a photo or file (encrypted and stored for the agent, then sent as a remote attachment:
 * lib/chat/files.ts), or both (the file first, the text after it as its caption).
 */
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { ownerConversationInvite } from "@/lib/agents/queries";
import { sendUpload } from "@/lib/chat/files";
import { guestChat } from "@/lib/chat/guest";
import { AppError } from "@/lib/errors";
import { MAX_UPLOAD_BYTES } from "@/lib/files/store";

const sendAction = action(
  z.object({
    agentId: z.string().min(1).max(64),
    text: z.string().trim().max(4000, "Messages can be at most 4000 characters.").optional().default(""),
    // An empty file input still submits a nameless, empty File: that is no file.
    file: z
      .instanceof(File)
      .optional()
      .transform((f) => (f && f.size > 0 ? f : undefined))
      .refine(
        (f) => !f || f.size <= MAX_UPLOAD_BYTES,
        `Files can be at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`,
      ),
  }),
  async ({ agentId, text, file }, user) => {
    if (!text && !file) throw new AppError("invalid_input", "Type a message or pick a file first.", 400);
    const inviteUrl = await ownerConversationInvite(agentId, user.id);
    if (!inviteUrl)
      throw new AppError("not_found", "No conversation of yours to chat in for this agent.", 404);
    const chat = await guestChat({ userId: user.id, agentId, inviteUrl, name: user.name ?? "You" });
    if (file)
      await sendUpload(chat, agentId, {
        name: file.name,
        type: file.type,
        bytes: new Uint8Array(await file.arrayBuffer()),
      });
    if (text) await chat.send(text);
    return { sent: true };
  },
);

export async function sendChatMessage(_state: ActionResult<{ sent: boolean }> | null, form: FormData) {
  return sendAction(form);
}
