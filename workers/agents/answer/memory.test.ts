/**
 * Memory through the worker and the scripted model, on the local XMTP node: the model's remember call
 * keeps a fact that the next answer's system prompt carries, a secret gets the one-line refusal and is not
 * stored, another conversation of the same owner never sees the fact, and an operator's /forget all
 * clears it. The rest (forget, the bound, the owner's edits, the erasure on stop) is in
 * lib/memory/memory.test.ts, on the database alone.
 */
import { describe, expect, it } from "vitest";
import type { RecordedRequest } from "@/test/scripted-model-server";
import { ask, launchAndJoin, withRunningWorker } from "@/test/worker";

const run = withRunningWorker({
  idle: 2,
  prefix: "agents-memory",
  poolTimeoutMs: 60_000,
  model: { timeoutMs: 8_000, maxRetries: 0 },
  options: { thinkingAfterMs: 30_000 },
});

/** After a tool round the scripted model says the last tool result; otherwise it says "ok". */
const sayToolResult = (r: RecordedRequest) => {
  const last = r.messages.at(-1)!;
  return { text: last.role === "tool" ? last.content : "ok" };
};
const systemOf = (r: RecordedRequest | undefined) => String(r?.messages[0]?.content ?? "");

describe("memory through the model", () => {
  it("remembers per conversation, refuses a secret, and forgets all on an operator's command", async () => {
    run.model.setDefault(sayToolResult);
    const [a, b] = await Promise.all([
      launchAndJoin(run.tmp.dir, "Planner", "Plans trips."),
      launchAndJoin(run.tmp.dir, "Cook", "Plans meals."),
    ]);
    const owner = await run.db.user.create({ data: { email: "memory-owner@example.com" } });
    await run.db.agent.updateMany({
      where: { id: { in: [a.agentId, b.agentId] } },
      data: { ownerId: owner.id },
    });

    run.model.script({ toolCalls: [{ name: "remember", arguments: { fact: "Sam is vegetarian" } }] });
    expect(await ask(a.group, a.agentInbox, "remember that Sam is vegetarian")).toEqual([
      "Remembered: Sam is vegetarian",
    ]);
    run.model.script({ toolCalls: [{ name: "remember", arguments: { fact: "the door code is 4821" } }] });
    const [refusal] = await ask(a.group, a.agentInbox, "and the door code is 4821");
    expect(refusal).toMatch(/^Error: I don't keep passwords, card numbers, one-time codes or keys/);
    expect(refusal).not.toContain("\n");
    expect((await run.db.memory.findMany()).map((m) => m.text)).toEqual(["Sam is vegetarian"]);

    await ask(a.group, a.agentInbox, "what do you remember?");
    expect(systemOf(run.model.requests.at(-1))).toMatch(/\n1\. Sam is vegetarian$/);
    await ask(b.group, b.agentInbox, "what do you remember?");
    expect(systemOf(run.model.requests.at(-1))).not.toContain("Sam");

    expect(await ask(a.group, a.agentInbox, "/forget all")).toEqual([
      'Forgot everything I remembered in "Planner" (1 memory).',
    ]);
    await ask(a.group, a.agentInbox, "what do you remember now?");
    expect(systemOf(run.model.requests.at(-1))).not.toContain("Sam");
  });
});
