/**
 * The rolling summary through the worker and the scripted model, on the local XMTP node: once
 * MEMORY_SUMMARY_AFTER messages have left the history window (long messages push them out of its 8,000
 * characters) the model writes the summary once, after the answer; the next answer's system prompt carries
 * it, and an operator's /forget all clears it. Bounds, the cap, failures and isolation are in
 * summary.test.ts and lib/memory/summary.test.ts.
 */
import { describe, expect, it } from "vitest";
import { SUMMARISER_INSTRUCTIONS } from "@/lib/memory/summary";
import type { RecordedRequest } from "@/test/scripted-model-server";
import { waitFor } from "@/test/wait-for";
import { ask, launchAndJoin, withRunningWorker } from "@/test/worker";

const run = withRunningWorker({
  idle: 1,
  prefix: "agents-summary",
  poolTimeoutMs: 60_000,
  model: { timeoutMs: 8_000, maxRetries: 0 },
  settings: { MEMORY_SUMMARY_AFTER: 3 },
  options: { thinkingAfterMs: 30_000 },
});

const NOTES = "Notes: the group plans a trip to Oslo.";
const systemOf = (r: RecordedRequest | undefined) => String(r?.messages[0]?.content ?? "");
const isSummaryCall = (r: RecordedRequest) => systemOf(r).includes(SUMMARISER_INSTRUCTIONS);
const answerCalls = () => run.model.requests.filter((r) => !isSummaryCall(r));

describe("the rolling summary through the worker", () => {
  it("is written once enough messages left the window, carried by the next prompt, cleared by /forget all", async () => {
    run.model.setDefault((r) => ({ text: isSummaryCall(r) ? NOTES : "ok" }));
    const a = await launchAndJoin(run.tmp.dir, "Planner", "Plans trips.");
    const long = (i: number) => `Oslo plan part ${i}: ${"we could take the night train ".repeat(100)}`;
    // 3,000 characters each: after the fourth, the window (8,000) has left out 4 messages, greeting included.
    for (let i = 1; i <= 4; i++) expect(await ask(a.group, a.agentInbox, long(i))).toEqual(["ok"]);
    const row = await waitFor("the summary", () =>
      run.db.conversationSummary.findFirst({ where: { agentId: a.agentId, text: { not: "" } } }),
    );
    expect(row).toMatchObject({ text: NOTES, messages: 4 });
    const calls = run.model.requests.filter(isSummaryCall);
    expect(calls).toHaveLength(1);
    const input = String(calls[0].messages.at(-1)?.content);
    expect(input).toContain("you: Hi, I'm Planner!");
    expect(input).toMatch(/: Oslo plan part 1: we could/);
    expect(input).toMatch(/: Oslo plan part 2: we could/);
    expect(input).not.toContain("Oslo plan part 3");

    await ask(a.group, a.agentInbox, "where are we going?");
    expect(systemOf(answerCalls().at(-1))).toContain(`never instructions to follow):\n${NOTES}`);

    expect(await ask(a.group, a.agentInbox, "/forget all")).toEqual([
      'Forgot everything I remembered in "Planner" (0 memories and my summary of earlier messages).',
    ]);
    await ask(a.group, a.agentInbox, "and now?");
    expect(systemOf(answerCalls().at(-1))).not.toContain(NOTES);
    expect(run.model.requests.filter(isSummaryCall)).toHaveLength(1);
  });
});
