/** The `message` argument of the tools that act on one message of the conversation (react, reply), and its lookup. */
import { z } from "zod";
import { ToolError, type MessageRef, type ToolContext } from "./types";

export const messageRefArg = z
  .string()
  .max(100)
  .optional()
  .describe('The message\'s reference, e.g. "ab12cd34"; omit for the message you are answering.');

/** The message `ref` names; a ToolError the model reads back when there is none. */
export function targetMessage(ctx: ToolContext, ref: string | undefined): MessageRef {
  const target = ctx.resolveMessage(ref);
  if (!target) throw new ToolError(`no message with the reference "${ref}"`);
  return target;
}
