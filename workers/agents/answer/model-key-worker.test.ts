/**
 * An agent on its own OpenRouter key, through the worker and the local XMTP node, against a loopback fake of
 * OpenRouter: its answers are paid from its key; once the key's limit is spent the member reads one line
 * (no stack trace) and the agent is marked out of budget; stopped, its key is deleted. The key's plaintext
 * never reaches the worker's logs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { stopAgent } from "@/lib/agents/mutations";
import { OUT_OF_BUDGET_TEXT } from "@/lib/providers/openrouter/budget";
import { startFakeOpenRouter, type FakeOpenRouter } from "@/test/fake-openrouter";
import { waitFor } from "@/test/wait-for";
import { ask, launchAndJoin, withRunningWorker } from "@/test/worker";

let fake: FakeOpenRouter;
const logs: string[] = [];
const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });

beforeAll(async () => {
  fake = await startFakeOpenRouter();
  fake.costUsd = 0.5;
});
afterAll(() => fake?.close());

const run = withRunningWorker({
  idle: 1,
  prefix: "model-key",
  options: { logger },
  settings: () => ({
    LLM_API_KEY: undefined,
    LLM_MODEL: "model-a",
    LLM_MODELS: undefined,
    OPENROUTER_MANAGEMENT_KEY: fake.managementKey,
    OPENROUTER_BASE_URL: fake.baseUrl,
    OPENROUTER_KEY_PREFIX: "worker-test-",
    OPENROUTER_KEY_LIMIT: 0.5,
  }),
});

describe("an agent on its own model key", () => {
  it("answers until its limit is spent, then says one line and is marked; stopped, its key is deleted", async () => {
    const a = await launchAndJoin(run.tmp.dir, "Chef", "You cook.");
    const [answer] = await ask(a.group, a.agentInbox, "soup?");
    expect(answer).toMatch(/^paid: .*soup\?$/); // the fake echoes the member's labelled turn
    const [key] = [...fake.keys.values()].filter((k) => k.name === `worker-test-${a.agentId}`);
    expect(key.usage).toBe(0.5);

    expect(await ask(a.group, a.agentInbox, "salad?")).toEqual([OUT_OF_BUDGET_TEXT]);
    const agent = await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } });
    expect(agent).toMatchObject({ outOfBudgetReason: "key_limit" });
    expect(agent.outOfBudgetAt).toBeInstanceOf(Date);

    await stopAgent(a.agentId, { ownerId: null, actor: "test" });
    // At the provider first, then our row: the worker removes its row once the provider's DELETE answered.
    await waitFor("the key deleted", async () => !fake.keys.has(key.hash), 15_000);
    await waitFor(
      "the key's row deleted",
      async () => (await run.db.agentModelKey.count({ where: { agentId: a.agentId } })) === 0,
      15_000,
    );
    expect(logs.join("\n")).toContain("model key deleted");
    expect(logs.join("\n")).not.toContain(key.key);
  });
});
