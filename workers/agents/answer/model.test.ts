/**
 * The model-backed agent against the real parts plus the scripted
 * OpenAI-compatible server on loopback: what the model is sent, answers in the
 * conversation, the Convos thinking status on slow answers and read receipts,
 * splitting, failures, the spending cap, and a worker stopped in the middle of
 * a burst (every thinking start still paired with its stop).
 */
import { describe, expect, it } from "vitest";
import type { Group } from "@xmtp/node-sdk";
import { getThinkingContent, isThinkingMessage, type Thinking } from "@xmtp/convos-cli";
import { waitFor } from "@/test/convos";
import { lastUserText } from "@/test/scripted-model-server";
import { capText } from "./answer";
import { Reactions } from "./history";
import { APOLOGY, PLATFORM_RULES } from "./model-responder";
import { THINKING_LABEL } from "./thinking";
import { ask, launchAndJoin, withRunningWorker, type LaunchedForTest } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { afterBarrier } from "@/test/barrier";

const run = withRunningWorker({
  idle: 2,
  prefix: "agents-model",
  model: { timeoutMs: 4_000, maxRetries: 1, backoff: { baseMs: 20, capMs: 50 } },
  options: { thinkingAfterMs: 300 },
});
const { tmp, start } = run;

let a: LaunchedForTest;

/** The agent's thinking statuses in `group`, oldest first, as the official CLI reads them. */
async function thinkingOf(group: Group<unknown>, agentInbox: string) {
  await group.sync();
  return (await group.messages())
    .filter((m) => m.senderInboxId === agentInbox && isThinkingMessage(m as never))
    .map((m) => ({ fallback: m.fallback, ...(getThinkingContent(m as never) as Thinking) }));
}

describe("model-backed agent", () => {
  it("sends rules, name, instructions and the history with roles; the answer arrives", async () => {
    a = await launchAndJoin(tmp.dir, "Chef", "You suggest recipes.\nOnly vegetarian ones.");
    expect(await ask(a.group, a.agentInbox, "what's for dinner?")).toEqual(["echo: what's for dinner?"]);
    expect(await ask(a.group, a.agentInbox, "and dessert?")).toEqual(["echo: and dessert?"]);
    const request = run.model.requests.at(-1)!;
    expect(request.model).toBe("scripted");
    expect(request.messages[0].role).toBe("system");
    expect(request.messages[0].content).toContain(PLATFORM_RULES);
    expect(request.messages[0].content).toContain("Your name is Chef.");
    expect(request.messages[0].content).toContain("You suggest recipes.\nOnly vegetarian ones.");
    // Members' turns carry a message reference and the sender's name (no profile here: a short inbox id).
    const who = `member ${a.operator.client.inboxId.slice(0, 8)}`;
    expect(
      request.messages.slice(1).map((m) => [m.role, String(m.content).replace(/^\[[0-9a-f]{8}\] /, "")]),
    ).toEqual([
      ["assistant", "Hi, I'm Chef! You suggest recipes."],
      ["user", `${who}: what's for dinner?`],
      ["assistant", "echo: what's for dinner?"],
      ["user", `${who}: and dessert?`],
    ]);
    // The counters are written just after the answer goes out, which the member may see first.
    const agent = await waitFor("the second answer counted", async () => {
      const row = await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } });
      return row.messagesOut === 2 ? row : null;
    });
    expect(agent).toMatchObject({ tokensUsed: 20, messagesIn: 2, messagesOut: 2 });
  });

  it("shows thinking on a slow answer, stopped with the answer's id; marks what it read; splits a long answer; reactions to its messages are context", async () => {
    const long = `${"First part. ".repeat(100).trim()}\n\n${"Second part. ".repeat(100).trim()}`;
    run.model.script({ text: long, delayMs: 900 });
    const parts = await ask(a.group, a.agentInbox, "tell me everything", 2);
    expect(parts.every((p) => p.length <= 1_500)).toBe(true);
    expect(parts.join("\n\n")).toBe(long);
    const messages = await a.group.messages();
    const asked = messages.find((m) => m.content === "tell me everything")!;
    const firstPart = messages.find((m) => m.content === parts[0])!;
    const statuses = await waitFor("the thinking stop", async () => {
      const mine = (await thinkingOf(a.group, a.agentInbox)).filter((t) => t.targetMessageId === asked.id);
      return mine.length === 2 ? mine : null;
    });
    const status = { targetMessageId: asked.id, content: THINKING_LABEL, fallback: undefined };
    expect(statuses).toEqual([
      { state: "start", ...status },
      { state: "stop", ...status, resultMessageId: firstPart.id },
    ]);
    // Read receipts: the agent has read up to the question.
    await waitFor("the agent's read receipt", async () => {
      await a.group.sync();
      const readAt = (await a.group.lastReadTimes())[a.agentInbox];
      return readAt !== undefined && BigInt(readAt) >= asked.sentAtNs;
    });

    const [, , ownAnswer] = (await texts(a.group)).filter((m) => m.sender === a.agentInbox);
    const answered = (await a.group.messages()).find((m) => m.content === ownAnswer.text)!;
    await a.group.sendReaction({
      reference: answered.id,
      referenceInboxId: a.agentInbox,
      action: Reactions.Added,
      content: "👍",
      schema: Reactions.Unicode,
    });
    const before = run.model.requests.length;
    expect(await ask(a.group, a.agentInbox, "thanks")).toEqual(["echo: thanks"]);
    expect(run.model.requests.length).toBe(before + 1); // the reaction itself was not answered
    const sent = run.model.requests.at(-1)!.messages;
    expect(sent.at(-2)).toEqual({
      role: "user",
      content: `member ${a.operator.client.inboxId.slice(0, 8)}: (reacted 👍 to your message: "${ownAnswer.text}")`,
    });
  });

  it("model failures (500, timeout, malformed) give one short apology each, and the agent keeps working", async () => {
    run.model.script({ status: 500 }, { status: 500 });
    expect(await ask(a.group, a.agentInbox, "one")).toEqual([APOLOGY]);
    run.model.script({ hang: true });
    expect(await ask(a.group, a.agentInbox, "two")).toEqual([APOLOGY]);
    run.model.script({ malformed: true });
    expect(await ask(a.group, a.agentInbox, "three")).toEqual([APOLOGY]);
    expect(await ask(a.group, a.agentInbox, "four")).toEqual(["echo: four"]);
    expect((await texts(a.group)).filter((m) => m.text === APOLOGY)).toHaveLength(3);
  });

  it("when a reply's most possible cost would pass its token cap, the agent says so instead of calling the model", async () => {
    const { tokensUsed } = await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } });
    await run.db.agent.update({ where: { id: a.agentId }, data: { tokenCap: tokensUsed + 100_000 } });
    run.model.script({ text: "last one", tokens: 10 });
    expect(await ask(a.group, a.agentInbox, "still under")).toEqual(["last one"]);
    expect((await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } })).tokensUsed).toBe(
      tokensUsed + 10,
    );
    // 100 tokens left: under the cap, but less than the prompt plus max_tokens could cost.
    await run.db.agent.update({ where: { id: a.agentId }, data: { tokenCap: tokensUsed + 110 } });
    const before = run.model.requests.length;
    expect(await ask(a.group, a.agentInbox, "over now")).toEqual([capText(tokensUsed + 110)]);
    expect(run.model.requests.length).toBe(before);
    await run.db.agent.update({ where: { id: a.agentId }, data: { tokenCap: null } });
  });

  it("a worker stopped in the middle of a burst: no answer lost, none doubled", async () => {
    run.model.setDefault((r) => ({ text: `echo: ${lastUserText(r)}`, tokens: 1, delayMs: 600 }));
    await run.closeAll();
    // A short grace period: on stop, the answer in flight is aborted and left claimed; the queued ones stay unclaimed.
    const first = await start({ graceMs: 100 });
    await waitFor("the agent running again", () => first.running().includes(a.identityId));
    const burst = ["b1", "b2", "b3", "b4", "b5"];
    for (const text of burst) await a.group.sendText(text);
    // The first answered, and the next one taken (after the first's thinking stop): its answer is in flight.
    await waitFor(
      "the first burst answer, and the next one taken",
      async () =>
        (await texts(a.group)).some((m) => m.text === "echo: b1") &&
        (await run.db.handledMessage.count({
          where: { identityId: a.identityId, kind: { startsWith: "answering:" } },
        })) === 1,
      20_000,
      20,
    );
    await run.closeAll();
    const claimed = await run.db.handledMessage.count({
      where: { identityId: a.identityId, kind: { startsWith: "answering:" } },
    });
    await start();
    const want = burst.map((b) => `echo: ${b}`);
    await waitFor(
      "every burst message answered",
      async () => {
        const all = (await texts(a.group)).map((m) => m.text);
        return want.every((w) => all.includes(w));
      },
      30_000,
    );
    const all = (await afterBarrier(a.group)).map((m) => m.text);
    for (const w of want) expect(all.filter((t) => t === w)).toHaveLength(1);
    // Every thinking session the clients saw open was closed: the aborted answer's too.
    const sessions = new Map<string, string[]>();
    for (const t of await thinkingOf(a.group, a.agentInbox))
      sessions.set(t.targetMessageId, [...(sessions.get(t.targetMessageId) ?? []), t.state]);
    expect(sessions.size).toBeGreaterThan(0);
    for (const states of sessions.values()) expect(states.at(-1)).toBe("stop");
    expect(claimed).toBe(1); // the answer in flight was aborted and left claimed, and the next run answered it
    expect(
      await run.db.handledMessage.count({
        where: { identityId: a.identityId, kind: { startsWith: "answering:" } },
      }),
    ).toBe(0);
  });
});
