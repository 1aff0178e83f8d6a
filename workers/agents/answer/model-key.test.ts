/**
 * The responder on per-agent OpenRouter keys, against a loopback fake of OpenRouter (test/fake-openrouter.ts)
 * and a real PostgreSQL: the agent's answers go to OpenRouter's chat completions with its own key, and once
 * the key's usage reaches its limit the documented 402 marks the agent out of budget and the answer is one
 * line, with no other model asked. A key deleted at OpenRouter is replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { startFakeOpenRouter, type FakeOpenRouter } from "@/test/fake-openrouter";
import { deriveSealingKey } from "@/lib/secrets";
import { OUT_OF_BUDGET_TEXT } from "@/lib/providers/openrouter/budget";
import type { ResponderInput } from "./contracts";
import { APOLOGY, defaultResponder } from "./model-responder";

const database = withTestDatabase();
const sealing = deriveSealingKey("model-key-test-master-key-0123456789");
let fake: FakeOpenRouter;

beforeAll(async () => {
  fake = await startFakeOpenRouter();
});
afterAll(() => fake?.close());

const settings = () => ({
  LLM_API_KEY: undefined,
  LLM_BASE_URL: "https://llm.invalid/api/v1",
  LLM_MODEL: "model-a",
  LLM_MODELS: "model-a,model-b",
  LLM_MAX_TOKENS: 256,
  OPENROUTER_MANAGEMENT_KEY: fake.managementKey,
  OPENROUTER_BASE_URL: fake.baseUrl,
  OPENROUTER_KEY_PREFIX: "test-agent-",
  OPENROUTER_KEY_LIMIT: 1,
  OPENROUTER_KEY_LIMIT_MAX: 10,
  OPENROUTER_KEY_LIMIT_STEP: 1,
});

const input = (agentId: string, text: string): ResponderInput => ({
  agentId,
  agentName: "Chef",
  instructions: "You cook.",
  text,
  senderInboxId: "member",
  history: [],
  signal: new AbortController().signal,
});

const completions = () => fake.requests.filter((r) => r.path === "/api/v1/chat/completions");

describe("answers on the agent's own key", () => {
  it("go to OpenRouter with its key until the limit is spent, then say one line and mark the agent", async () => {
    const { db } = database();
    const agentId = (await db.agent.create({ data: { name: "Chef", instructions: "You cook." } })).id;
    const responder = defaultResponder(settings(), undefined, sealing);
    fake.costUsd = 0.6;

    expect(await responder.reply(input(agentId, "soup?"))).toEqual({ text: "paid: soup?", tokens: 10 });
    expect(await responder.reply(input(agentId, "salad?"))).toEqual({ text: "paid: salad?", tokens: 10 });
    expect(completions().map((r) => r.by)).toEqual(["key", "key"]);
    expect(await db.agent.findUniqueOrThrow({ where: { id: agentId } })).toMatchObject({
      outOfBudgetAt: null,
    });

    const before = completions().length;
    const refused = await responder.reply(input(agentId, "dessert?"));
    expect(refused).toEqual({ text: OUT_OF_BUDGET_TEXT, tokens: 0, failed: true });
    expect(completions().length - before).toBe(1); // model-b on the same key is not asked
    const agent = await db.agent.findUniqueOrThrow({ where: { id: agentId } });
    expect(agent.outOfBudgetAt).toBeInstanceOf(Date);
    expect(agent.outOfBudgetReason).toBe("key_limit");
  });

  it("a key deleted out of band is replaced with the next answer", async () => {
    const { db } = database();
    const agentId = (await db.agent.create({ data: { name: "Chef", instructions: "You cook." } })).id;
    const responder = defaultResponder(settings(), undefined, sealing);
    fake.costUsd = 0.01;
    expect((await responder.reply(input(agentId, "bread?")))?.text).toBe("paid: bread?");
    const [first] = [...fake.keys.values()].filter((k) => k.name === `test-agent-${agentId}`);
    fake.keys.delete(first.hash); // someone deleted it at OpenRouter
    expect(await responder.reply(input(agentId, "butter?"))).toEqual({
      text: APOLOGY,
      tokens: 0,
      failed: true,
    });
    expect((await responder.reply(input(agentId, "jam?")))?.text).toBe("paid: jam?");
    const now = [...fake.keys.values()].filter((k) => k.name === `test-agent-${agentId}`);
    expect(now.map((k) => k.hash)).not.toContain(first.hash);
    expect(now).toHaveLength(1);
  });

  it("a 402 for the account's credits marks the agent with that reason", async () => {
    const { db } = database();
    const agentId = (await db.agent.create({ data: { name: "Chef", instructions: "You cook." } })).id;
    fake.outOfCredits = true;
    try {
      const reply = await defaultResponder(settings(), undefined, sealing).reply(input(agentId, "tea?"));
      expect(reply?.text).toBe(OUT_OF_BUDGET_TEXT);
    } finally {
      fake.outOfCredits = false;
    }
    expect(await db.agent.findUniqueOrThrow({ where: { id: agentId } })).toMatchObject({
      outOfBudgetReason: "credits",
    });
  });
});
