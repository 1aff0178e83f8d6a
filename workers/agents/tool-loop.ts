/**
 * An answer with tools: ask the model, run the tools it calls, give it the
 * results, until it answers with text. Bounded: at most MAX_TOOL_ROUNDS rounds
 * of calls per answer, and no further round once the answer has spent its
 * token budget; past either bound the model is asked once more without tools,
 * so it must answer in text. Rounds an earlier run of the same answer recorded
 * (a crash, a stop) are replayed from the ledger, not asked again.
 */
import type { ChatMessage, ModelClient } from "@/lib/llm";
import type { ToolSession } from "./tool-session";

export const MAX_TOOL_ROUNDS = 4;
/** Tokens one answer may spend on tool rounds before it must answer in text. */
export const ANSWER_TOKEN_BUDGET = 16_000;

export interface ToolLoopResult {
  text: string;
  tokens: number;
  /** Tool rounds run (replayed ones included). */
  rounds: number;
}

/** Runs the loop on `prompt` (not modified); resolves with the final text ("" when the model only acted). */
export async function completeWithTools(
  client: ModelClient,
  prompt: ChatMessage[],
  session: ToolSession,
  signal: AbortSignal,
  budget = ANSWER_TOKEN_BUDGET,
): Promise<ToolLoopResult> {
  const messages = [...prompt];
  let tokens = 0;
  let position = 0;
  let round = 0;
  const addRound = async (n: number, calls: ChatMessage & { role: "assistant" }) => {
    const requested = calls.tool_calls ?? [];
    messages.push(calls);
    const results = await session.runRound(n, position, requested);
    requested.forEach((call, i) =>
      messages.push({ role: "tool", tool_call_id: call.id, content: results[i] }),
    );
    position += requested.length;
    round = n + 1;
  };
  for (const recorded of await session.recordedRounds())
    await addRound(recorded.round, { role: "assistant", content: null, tool_calls: recorded.calls });
  for (;;) {
    const offer = round < MAX_TOOL_ROUNDS && tokens < budget;
    const completion = await client.complete(messages, signal, {
      ...(offer ? { tools: session.specs } : {}),
      allowEmpty: round > 0,
    });
    tokens += completion.totalTokens;
    if (!offer || completion.toolCalls.length === 0) {
      // Sending the text publishes what tools queued; without text, publish it now.
      if (!completion.text) await session.publishQueued();
      return { text: completion.text, tokens, rounds: round };
    }
    await addRound(round, {
      role: "assistant",
      content: completion.text || null,
      tool_calls: completion.toolCalls,
    });
  }
}
