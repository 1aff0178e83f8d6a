/**
 * The fallback chain against two scripted model servers on loopback, the first failing: the next allowed
 * model answers, the member sees only its answer, and a `model_fallback` event names the agent and the model
 * that failed. Also: the agent's model (owner's choice, else its template's) is asked first.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import {
  scriptedModelClient,
  startScriptedModelServer,
  type ScriptedModelServer,
} from "@/test/scripted-model-server";
import { agentState } from "@/lib/agents/policy";
import type { ResponderInput } from "./contracts";
import { APOLOGY, defaultResponder, modelResponder } from "./model-responder";

const database = withTestDatabase();
let a: ScriptedModelServer;
let b: ScriptedModelServer;
let agentId: string;

beforeAll(async () => {
  [a, b] = await Promise.all([startScriptedModelServer(), startScriptedModelServer()]);
  agentId = (await database().db.agent.create({ data: { name: "Chef", instructions: "You cook." } })).id;
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const input = (text: string, model?: string | null): ResponderInput => ({
  agentId,
  model,
  agentName: "Chef",
  instructions: "You cook.",
  text,
  senderInboxId: "member",
  history: [],
  signal: new AbortController().signal,
});

const fallbacks = () =>
  database().db.event.findMany({ where: { kind: "model_fallback" }, orderBy: { id: "asc" } });

const quick = { maxRetries: 1, backoff: { baseMs: 10, capMs: 20 } };

describe("model fallback", () => {
  it("answers with the next model of LLM_MODELS when the first fails with 500s, and records it", async () => {
    a.setDefault(() => ({ status: 500 }));
    const responder = defaultResponder({
      LLM_API_KEY: "test",
      LLM_BASE_URL: a.baseURL,
      LLM_MODEL: "model-a",
      LLM_MODELS: `model-a, model-b@${b.baseURL}`,
      LLM_MAX_TOKENS: 256,
    });
    expect(await responder.reply(input("what's for dinner?"))).toEqual({
      text: "echo: what's for dinner?",
      tokens: 10,
    });
    expect(a.requests.map((r) => r.model)).toEqual(["model-a", "model-a", "model-a"]); // its retries spent first
    expect(b.requests.map((r) => r.model)).toEqual(["model-b"]);
    const [event, ...more] = await fallbacks();
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      agentId,
      error: "the model service failed (500)",
      data: { model: "model-a", next: "model-b", code: "server_error" },
    });
  });

  it("a model that times out is passed over too", async () => {
    a.requests.length = b.requests.length = 0;
    a.setDefault(() => ({ hang: true }));
    const responder = modelResponder([
      scriptedModelClient(a, { model: "model-a", timeoutMs: 300, ...quick }),
      scriptedModelClient(b, { model: "model-b", ...quick }),
    ]);
    const reply = await responder.reply(input("and dessert?"));
    expect(reply).toEqual({ text: "echo: and dessert?", tokens: 10 });
    expect((await fallbacks()).at(-1)).toMatchObject({
      agentId,
      data: { model: "model-a", code: "timeout" },
    });
  });

  it("asks the agent's chosen model first; when every model fails, the apology as before", async () => {
    a.requests.length = b.requests.length = 0;
    a.setDefault(() => ({ status: 500 }));
    const responder = modelResponder([
      scriptedModelClient(a, { model: "model-a", ...quick }),
      scriptedModelClient(b, { model: "model-b", ...quick }),
    ]);
    expect(await responder.reply(input("soup?", "model-b"))).toEqual({ text: "echo: soup?", tokens: 10 });
    expect(a.requests).toEqual([]);
    const before = (await fallbacks()).length;

    b.setDefault(() => ({ status: 503 }));
    expect(await responder.reply(input("salad?", "model-b"))).toEqual({
      text: APOLOGY,
      tokens: 0,
      failed: true,
    });
    expect(b.requests.length).toBe(1 + 2);
    expect(a.requests.length).toBe(2);
    // b failed and a was asked: one fallback; a failing last is the apology, no fallback.
    expect((await fallbacks()).slice(before).map((e) => e.data)).toEqual([
      { model: "model-b", next: "model-a", code: "server_error" },
    ]);
  });

  it("the agent's model: its owner's choice, else its template's, else the default (null)", async () => {
    const { db } = database();
    const template = await db.template.create({
      data: {
        slug: "cook",
        name: "Cook",
        emoji: "🍳",
        category: "food",
        description: "Cooks.",
        instructions: "You cook.",
        skills: [],
        suggestedMessages: [],
        model: "model-b",
      },
    });
    const agent = await db.agent.create({ data: { name: "C2", instructions: "x", templateId: template.id } });
    expect((await agentState(agent.id)).model).toBe("model-b");
    await db.agent.update({ where: { id: agent.id }, data: { model: "model-a" } });
    expect((await agentState(agent.id)).model).toBe("model-a");
    expect((await agentState(agentId)).model).toBeNull();
  });
});
