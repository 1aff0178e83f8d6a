/**
 * The language model: OpenAI-compatible chat completions through the `openai`
 * package (OpenRouter by default; LLM_BASE_URL, LLM_API_KEY, LLM_MODEL).
 *
 * Each attempt has a timeout (20 s). Only transient failures are retried
 * (429, 5xx, connection errors), at most `maxRetries` times with capped
 * exponential backoff and jitter; a timeout is not retried (someone is waiting
 * in the chat), nor is any other error. A 200 whose body is not a completion
 * (malformed JSON, no choices, no text) is a ModelError too: callers get a
 * typed error, never a half-parsed answer.
 *
 * Tools: given `tools`, the model may answer with `tool_calls` instead of (or
 * besides) text; the caller runs them and calls again with the results as
 * `tool` messages (workers/agents/answer/tool-loop.ts bounds that loop).
 */
import OpenAI from "openai";
import { backoffMs } from "@/lib/identities/backoff";
import { setTimeout as sleep } from "node:timers/promises";

/** A function the model asked for, as the OpenAI-compatible API spells it (`arguments` is a JSON string). */
export interface ToolCallRequest {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** A function the model may call: name, what it does, its parameters as JSON Schema. */
export interface ToolSpec {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/**
 * A part of a member's message: text, or an image as a data URL (a photo scaled down first:
 * workers/agents/answer/attachments.ts); only models with vision are sent images.
 */
export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } };

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | ContentPart[] }
  | { role: "assistant"; content: string | null; tool_calls?: ToolCallRequest[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface CompleteOptions {
  /** Functions the model may call; none = a plain chat completion. */
  tools?: ToolSpec[];
  /** Accept an answer with no text (after tool calls the model may have nothing left to say). */
  allowEmpty?: boolean;
}

export interface Completion {
  /** The answer's text; "" only when the model asked for tools instead. */
  text: string;
  /** The tool calls the model asked for (empty when it answered with text only). */
  toolCalls: ToolCallRequest[];
  /** usage.total_tokens as the service reports it (0 when it reports none). */
  totalTokens: number;
  /** The model that answered, as LLM_MODELS names it (what its tokens cost: lib/llm/prices.ts). */
  model?: string;
}

export type ModelErrorCode = "timeout" | "rate_limited" | "server_error" | "bad_response" | "request_failed";

export class ModelError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelError";
  }
}

export interface ModelClientOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  /** Per attempt (20 s). */
  timeoutMs?: number;
  /** Retries of transient failures (2). */
  maxRetries?: number;
  /** Backoff base and cap (500 ms, 4 s). */
  backoff?: { baseMs: number; capMs: number };
  /** max_tokens of every call (DEFAULT_MAX_TOKENS): what one answer may cost at most. */
  maxTokens?: number;
}

export const DEFAULT_MAX_TOKENS = 1_024;

export interface ModelClient {
  readonly model: string;
  /** The max_tokens every call carries. */
  readonly maxTokens: number;
  complete(messages: ChatMessage[], signal?: AbortSignal, options?: CompleteOptions): Promise<Completion>;
}

function classify(error: unknown): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new ModelError("timeout", "the model did not answer in time", { cause: error });
  if (error instanceof OpenAI.APIConnectionError)
    return new ModelError("request_failed", `could not reach the model: ${error.message}`, { cause: error });
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    if (status === 429)
      return new ModelError("rate_limited", "the model service is rate limiting", { cause: error });
    if (status >= 500)
      return new ModelError("server_error", `the model service failed (${status})`, { cause: error });
    return new ModelError("request_failed", `the model service refused the request (${status})`, {
      cause: error,
    });
  }
  if (error instanceof SyntaxError)
    return new ModelError("bad_response", "the model's answer was not JSON", { cause: error });
  return new ModelError("request_failed", error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

const transient = (e: ModelError) =>
  e.code === "rate_limited" ||
  e.code === "server_error" ||
  (e.code === "request_failed" && e.cause instanceof OpenAI.APIConnectionError);

/** A model client; `complete` resolves with text and tokens or rejects with a ModelError. */
export function createModelClient(o: ModelClientOptions): ModelClient {
  const openai = new OpenAI({
    baseURL: o.baseURL,
    apiKey: o.apiKey,
    timeout: o.timeoutMs ?? 20_000,
    maxRetries: 0, // retried below, transient failures only
  });
  const maxRetries = o.maxRetries ?? 2;
  const maxTokens = o.maxTokens ?? DEFAULT_MAX_TOKENS;
  const backoff = o.backoff ?? { baseMs: 500, capMs: 4_000 };

  const once = async (
    messages: ChatMessage[],
    signal: AbortSignal,
    options: CompleteOptions,
  ): Promise<Completion> => {
    const tools = options.tools?.length ? { tools: options.tools } : {};
    const response = await openai.chat.completions.create(
      { model: o.model, messages, ...tools, max_tokens: maxTokens },
      { signal },
    );
    const message = (response as Partial<typeof response>)?.choices?.[0]?.message;
    const toolCalls = parseToolCalls(message?.tool_calls);
    const text = message?.content;
    if ((typeof text !== "string" || text.trim() === "") && toolCalls.length === 0 && !options.allowEmpty)
      throw new ModelError("bad_response", "the model's answer had no text");
    return {
      text: typeof text === "string" ? text.trim() : "",
      toolCalls,
      totalTokens: Number(response.usage?.total_tokens ?? 0) || 0,
      model: o.model,
    };
  };

  return {
    model: o.model,
    maxTokens,
    async complete(messages, signal, options = {}) {
      // The SDK adds an abort listener to the signal it is given and never removes it; the caller's signal
      // lives as long as the worker, so the SDK gets a per-call signal linked to it instead (no leak).
      const call = new AbortController();
      const onAbort = () => call.abort(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            return await once(messages, call.signal, options);
          } catch (raw) {
            const error = classify(raw);
            if (call.signal.aborted || attempt > maxRetries || !transient(error)) throw error;
            await sleep(backoffMs(attempt, backoff));
          }
        }
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
    },
  };
}

/** The function calls of an answer; anything that is not one (another tool type, no name) is a bad response. */
function parseToolCalls(raw: unknown): ToolCallRequest[] {
  if (raw == null) return [];
  if (!Array.isArray(raw)) throw new ModelError("bad_response", "the model's tool_calls is not a list");
  return raw.map((c: unknown, i) => {
    const call = c as { id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } };
    if (call?.type !== "function" || typeof call.function?.name !== "string")
      throw new ModelError("bad_response", "the model asked for a tool call that is not a function");
    return {
      id: typeof call.id === "string" && call.id ? call.id : `call_${i}`,
      type: "function",
      function: {
        name: call.function.name,
        arguments: typeof call.function.arguments === "string" ? call.function.arguments : "{}",
      },
    };
  });
}
