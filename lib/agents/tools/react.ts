/** `react`: the agent reacts to a message with an emoji (XMTP's reaction content type, which Convos shows). */
import { z } from "zod";
import { messageRefArg, targetMessage } from "./message-ref";
import { defineTool, ToolError } from "./types";

const ADDED = 1; // ReactionAction.Added: node-bindings' ambient const enum, written out (lib/convos/sdk.ts)
const UNICODE = 1; // ReactionSchema.Unicode

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
    await ctx.group.sendReaction(
      {
        reference: target.id,
        referenceInboxId: target.senderInboxId,
        action: ADDED as never,
        content: emoji.trim(),
        schema: UNICODE as never,
      },
      { optimistic: true }, // published with the answer (see ToolContext.queued)
    );
    ctx.queued();
    return `Reacted ${emoji.trim()}.`;
  },
});
