/** `react`: the agent reacts to a message with an emoji (XMTP's reaction content type, which Convos shows). */
import { z } from "zod";
import { messageRefArg, targetMessage } from "./message-ref";
import { defineTool, ToolError } from "./types";

const args = z.object({
  message: messageRefArg,
  emoji: z.string().min(1).max(16).describe("One emoji, e.g. 👍"),
});

export const reactTool = defineTool({
  name: "react",
  label: "Reactions",
  summary: "Reacts to messages with an emoji.",
  description:
    "React to a message of the conversation with one emoji (an acknowledgement without a new message).",
  args,
  effect: "message",
  async run({ message, emoji }, ctx) {
    const target = targetMessage(ctx, message);
    if ([...new Intl.Segmenter().segment(emoji.trim())].length !== 1)
      throw new ToolError("react takes exactly one emoji");
    // Published with the answer (see ToolContext.queued).
    await ctx.conversation.react(target, emoji.trim(), { queued: true });
    ctx.queued();
    return `Reacted ${emoji.trim()}.`;
  },
});
