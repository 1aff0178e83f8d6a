/** `reply`: the agent answers a specific message (XMTP's reply content type: Convos shows it quoted). */
import { z } from "zod";
import { messageRefArg, targetMessage } from "./message-ref";
import { defineTool } from "./types";

const args = z.object({
  message: messageRefArg,
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
    const target = targetMessage(ctx, message);
    await ctx.conversation.reply(target, text.trim());
    return "Reply sent (do not repeat its text in your answer).";
  },
});
