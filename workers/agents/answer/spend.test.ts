/**
 * The agent's budget through the worker, the scripted model server and a real member's client: the 80 %
 * notice said once in the owner conversation, then the paused agent's one line with no model call, for a
 * spent cap and for the provider's out-of-budget mark alike.
 */
import { describe, expect, it } from "vitest";
import { budgetState, capText, noticeText, pausedText } from "@/lib/agents/budget-state";
import { ask, launchAndJoin, withRunningWorker } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";

const run = withRunningWorker({
  idle: 1,
  prefix: "agents-spend",
  model: { timeoutMs: 4_000, maxRetries: 0 },
});

describe("an agent's budget", () => {
  it("says once that 80 % of its cap is used, then answers one line without the model once paused", async () => {
    const a = await launchAndJoin(run.tmp.dir, "Saver", "You keep it short.");
    const identity = await run.db.identity.findUniqueOrThrow({ where: { id: a.identityId } });
    expect(identity.isOwnerConversation).toBe(true);
    // 79,950 of 100,000 used: the next answer (100 tokens) crosses 80 %, with room to reserve its worst case.
    await run.db.agent.update({ where: { id: a.agentId }, data: { tokenCap: 100_000, tokensUsed: 79_950 } });
    run.model.script({ text: "crossing", tokens: 100 });
    expect(await ask(a.group, a.agentInbox, "one", 2)).toEqual(["crossing", noticeText(80_050, 100_000)]);
    run.model.script({ text: "still here", tokens: 10 });
    expect(await ask(a.group, a.agentInbox, "two")).toEqual(["still here"]);

    // The cap spent: one line, no model call.
    await run.db.agent.update({ where: { id: a.agentId }, data: { tokensUsed: 100_000 } });
    const calls = run.model.requests.length;
    expect(await ask(a.group, a.agentInbox, "three")).toEqual([capText(100_000)]);
    // The provider's mark pauses it whatever the cap.
    const refused = new Date();
    await run.db.agent.update({
      where: { id: a.agentId },
      data: { tokenCap: 1_000_000, outOfBudgetAt: refused, outOfBudgetReason: "credits" },
    });
    const provider = budgetState(
      { tokenCap: 1_000_000, tokensUsed: 100_000, outOfBudgetAt: refused },
      undefined,
    );
    expect(await ask(a.group, a.agentInbox, "four")).toEqual([pausedText(provider)]);
    expect(run.model.requests.length).toBe(calls);
    const notices = (await texts(a.group)).filter((m) => m.text.startsWith("Heads-up: I've used"));
    expect(notices).toHaveLength(1);
  });
});
