/**
 * An answer with tools: ask the model, run the tools it calls, give it the
 * results, until it answers with text. Rounds an earlier run of the same
 * answer recorded (a crash, a shutdown) are replayed from the ledger, not asked
 * again. Bounded in rounds and in money:
 *
 *   rounds    at most MAX_TOOL_ROUNDS rounds of calls; then the model is asked
 *             once more without tools, so it must answer in text;
 *   results   a round's results are cut to ROUND_RESULTS_MAX_CHARS together,
 *             shared fairly (one result is already cut to
 *             TOOL_RESULT_MAX_CHARS by tool-session.ts);
 *   tokens    before every call its worst case (lib/llm/budget.ts's bound of
 *             the prompt, plus max_tokens) must fit in what the answer has
 *             left of its budget. When the call with tools doesn't fit, the
 *             model is asked once without them; when that doesn't fit either,
 *             the results are cut to fit, then the oldest history. So the
 *             tokens one answer reports never pass its budget.
 */
import type { ChatMessage, ModelClient } from "@/lib/llm";
import { cutText, fitPrompt, promptTokenBound, shareOut } from "@/lib/llm/budget";
import type { ToolSession } from "./contracts";
import { answerStep } from "@/lib/perf/answer-timeline";

export const MAX_TOOL_ROUNDS = 4;
/**
 * The most one answer may spend, every call counted at its worst case. The bound counts a byte as a
 * token (about four times what a tokenizer makes of English), and every call sends the whole prompt
 * again (the tools' specs alone are ~6,000 bytes), so this leaves room for two or three rounds on a long
 * conversation.
 */
export const ANSWER_TOKEN_BUDGET = 64_000;
/** A round's results together are cut to this many characters before the model reads them. */
export const ROUND_RESULTS_MAX_CHARS = 40_000;

/** An answer's prompt can't be made to fit its budget, even without tools, results or history. */
export class AnswerBudgetSpent extends Error {
  readonly code = "answer_budget_spent";
  constructor(left: number) {
    super(`the answer has ${left} tokens of its budget left: not enough for one more call`);
    this.name = "AnswerBudgetSpent";
  }
}

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
  // The history's turns, oldest first: what may be left out, after the results, to fit the budget.
  const history = prompt.slice(1, -1).map((_, i) => i + 1);
  let tokens = 0;
  let position = 0;
  let round = 0;
  const addRound = async (n: number, calls: ChatMessage & { role: "assistant" }) => {
    const requested = calls.tool_calls ?? [];
    messages.push(calls);
    const results = await session.runRound(n, position, requested);
    const shares = shareOut(
      results.map((r) => r.length),
      ROUND_RESULTS_MAX_CHARS,
    );
    requested.forEach((call, i) =>
      messages.push({ role: "tool", tool_call_id: call.id, content: cutText(results[i], shares[i]) }),
    );
    position += requested.length;
    round = n + 1;
  };
  for (const recorded of await session.recordedRounds())
    await addRound(recorded.round, { role: "assistant", content: null, tool_calls: recorded.calls });
  for (;;) {
    const left = budget - tokens;
    const worst = promptTokenBound(messages, session.specs) + client.maxTokens;
    const offer = round < MAX_TOOL_ROUNDS && worst <= left;
    const asked = offer ? messages : fitPrompt(messages, left - client.maxTokens, history);
    if (!asked) throw new AnswerBudgetSpent(left);
    answerStep(`model asked, round ${round}`);
    const completion = await client.complete(asked, signal, {
      ...(offer ? { tools: session.specs } : {}),
      allowEmpty: round > 0,
    });
    answerStep(`model answered, round ${round}`);
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
