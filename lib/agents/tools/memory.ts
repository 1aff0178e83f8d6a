/**
 * `remember` and `forget`: facts and preferences the agent keeps for this
 * conversation, in PostgreSQL (lib/memory/memory.ts), shown in its system
 * prompt. A secret (password, card number, one-time code, key) is refused by
 * pattern before anything is stored; the refusal is one line for the model to
 * pass on.
 */
import { z } from "zod";
import { forget, MemoryError, remember, type MemoryScope } from "@/lib/memory/memory";
import { defineTool, ToolError, type ToolContext } from "./types";

const scopeOf = (ctx: ToolContext): MemoryScope => ({
  agentId: ctx.agentId,
  conversationId: ctx.conversationId,
});

/** Runs `f`, a MemoryError becoming the ToolError the model reads. */
async function said<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    if (error instanceof MemoryError) throw new ToolError(error.message);
    throw error;
  }
}

export const rememberTool = defineTool({
  name: "remember",
  label: "Memory",
  summary: "Remembers facts and preferences for the conversation, and forgets them when asked.",
  description:
    'Keep a fact or preference about this conversation for later (e.g. "Sam is vegetarian", "the trip is 12–19 March"), when someone asks you to remember it or it will clearly matter later. One short, self-contained sentence. Never passwords, card numbers, codes or keys: if refused, say the refusal in one line.',
  args: z.object({
    fact: z.string().max(1_000).describe("The fact, as one short self-contained sentence"),
  }),
  effect: "database",
  async run({ fact }, ctx) {
    const kept = await said(() => remember(ctx.tx, scopeOf(ctx), fact));
    return `Remembered: ${kept}`;
  },
});

export const forgetTool = defineTool({
  name: "forget",
  label: "Memory",
  summary: "Forgets what it remembers when someone asks.",
  description:
    "Forget something you remember about this conversation, when someone asks: give its number from your memory list or some of its words.",
  args: z.object({
    memory: z.string().max(300).describe('The memory\'s number ("3") or words it contains ("vegetarian")'),
  }),
  effect: "database",
  async run({ memory }, ctx) {
    const gone = await said(() => forget(ctx.tx, scopeOf(ctx), memory));
    return `Forgotten: ${gone.join("; ")}`;
  },
});
