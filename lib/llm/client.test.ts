/** The model client against the scripted OpenAI-compatible server on loopback. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModelClient, DEFAULT_MAX_TOKENS, ModelError } from "./client";
import { startScriptedModelServer, type ScriptedModelServer } from "@/test/scripted-model-server";

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await startScriptedModelServer();
});
afterAll(() => server.close());

// Generous per-attempt timeout (the machine may be busy with other tests); the timeout test sets its own.
const client = (timeoutMs = 5_000) =>
  createModelClient({
    baseURL: server.baseURL,
    apiKey: "test",
    model: "test-model",
    timeoutMs,
    maxRetries: 2,
    backoff: { baseMs: 10, capMs: 20 },
  });
const ask = [{ role: "user" as const, content: "hi" }];

describe("model client", () => {
  it("returns the text and the total tokens, sending model, messages and max_tokens", async () => {
    server.script({ text: "hello there", tokens: 42 });
    expect(await client().complete(ask)).toEqual({
      text: "hello there",
      toolCalls: [],
      totalTokens: 42,
      model: "test-model",
    });
    expect(server.requests.at(-1)).toEqual({
      model: "test-model",
      messages: ask,
      max_tokens: DEFAULT_MAX_TOKENS,
    });
    const capped = createModelClient({ baseURL: server.baseURL, apiKey: "test", model: "m", maxTokens: 64 });
    expect(capped.maxTokens).toBe(64);
    await capped.complete(ask);
    expect(server.requests.at(-1)?.max_tokens).toBe(64);
  });

  it("offers tools and returns the calls the model asks for, with or without text", async () => {
    const tools = [
      {
        type: "function" as const,
        function: { name: "react", description: "React.", parameters: { type: "object", properties: {} } },
      },
    ];
    server.script({ toolCalls: [{ name: "react", arguments: { emoji: "👍" } }], tokens: 7 });
    const completion = await client().complete(ask, undefined, { tools });
    expect(completion).toEqual({
      text: "",
      toolCalls: [
        {
          id: expect.any(String),
          type: "function",
          function: { name: "react", arguments: '{"emoji":"👍"}' },
        },
      ],
      totalTokens: 7,
      model: "test-model",
    });
    expect(server.requests.at(-1)!.tools).toEqual(tools);
    // After tool calls the model may have nothing to add; only then is an empty answer accepted.
    server.script({ text: "" }, { text: "" });
    expect((await client().complete(ask, undefined, { allowEmpty: true })).text).toBe("");
    await expect(client().complete(ask)).rejects.toMatchObject({ code: "bad_response" });
  });

  it("retries 429 and 5xx, then succeeds", async () => {
    const before = server.requests.length;
    server.script({ status: 429 }, { status: 503 }, { text: "ok" });
    expect((await client().complete(ask)).text).toBe("ok");
    expect(server.requests.length - before).toBe(3);
  });

  it("gives up after the retries with a typed error, and never retries a 400", async () => {
    server.script({ status: 500 }, { status: 500 }, { status: 500 });
    await expect(client().complete(ask)).rejects.toMatchObject({ code: "server_error" });
    const before = server.requests.length;
    server.script({ status: 400 });
    await expect(client().complete(ask)).rejects.toMatchObject({ code: "request_failed" });
    expect(server.requests.length - before).toBe(1);
  });

  it("times out without retrying, and reports malformed bodies", async () => {
    const before = server.requests.length;
    server.script({ hang: true });
    const error = await client(500)
      .complete(ask)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe("timeout");
    expect(server.requests.length - before).toBe(1);
    server.script({ malformed: true });
    await expect(client().complete(ask)).rejects.toBeInstanceOf(ModelError);
  });
});

describe("model client and the caller's signal", () => {
  it("leaves no listener on a long-lived signal after a call", async () => {
    const signal = new AbortController().signal;
    let listeners = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => (
      listeners++,
      add(...args)
    )) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => (
      listeners--,
      remove(...args)
    )) as typeof remove;
    for (let i = 0; i < 3; i++) await client().complete(ask, signal);
    expect(listeners).toBe(0);
  });
});
