/** `reply`: the agent answers a specific message (XMTP's reply content type: Convos shows it quoted). */
import { z } from "zod";
import { defineTool, ToolError } from "./types";

const args = z.object({
  message: z
    .string()
    .max(100)
    .optional()
    .describe('The message\'s reference, e.g. "ab12cd34"; omit for the message you are answering.'),
  text: z.string().min(1).max(4_000).describe("The reply's text"),
});

export const replyTool = defineTool({
  name: "reply",
  label: "Replies",
  summary: "Replies to a specific message, quoting it.",
  description:
    "Send a reply quoting one earlier message, when answering something other than the latest message would be unclear.",
  args,
  effect: "message",
  async run({ message, text }, ctx) {
    const target = ctx.resolveMessage(message);
    if (!target) throw new ToolError(`no message with the reference "${message}"`);
    // Loaded here, not at the top: the web app reads the registry's names and never sends messages.
    const { encodeText } = await import("@xmtp/node-sdk");
    await ctx.group.sendReply({
      reference: target.id,
      referenceInboxId: target.senderInboxId,
      content: encodeText(text.trim()),
    });
    return "Reply sent (do not repeat its text in your answer).";
  },
});
