/**
 * Reminders and schedules set through the model, end to end (worker, local
 * XMTP node, PostgreSQL, the scripted model on loopback): the model calls
 * `remind` with mode "prompt"; when it falls due the agent runs a turn on the
 * task, with its tools, and posts the result in the conversation, once.
 * Hostile rules a member can ask for (ones rrule never returns on, a start in
 * the year 1000, many runs an hour) are refused in the tool's result and the
 * agent goes on answering; a member's reminders end when they leave or may no
 * longer talk to the agent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, waitFor } from "@/test/convos";
import { createModelClient } from "@/lib/llm";
import {
  lastUserText,
  startScriptedModelServer,
  type RecordedRequest,
  type ScriptedModelServer,
} from "@/test/scripted-model-server";
import { newIdentity } from "@/test/convos";
import { modelResponder } from "@/workers/agents/answer/model-responder";
import {
  ask,
  fastOptions,
  joinAs,
  launchAndJoin,
  testSettings,
  workerTestEnv,
  type WorkerTestEnv,
} from "@/test/worker";
import { takeWarmIdentities } from "@/test/warm-identities";
import { texts } from "@/test/xmtp-clients";
import { startWorker, type RunningWorker } from "@/workers/agents/worker/worker";

let env: WorkerTestEnv;
let model: ScriptedModelServer;
let worker: RunningWorker;
/** How far the scheduler's clock is ahead of the real one: a test moves it instead of waiting minutes. */
let skewMs = 0;
const tmp = tempDir("agents-scheduled-");

beforeAll(async () => {
  env = await workerTestEnv(1);
  await takeWarmIdentities(1, env.t.db, env.dataDir); // made ahead of time by the run's bank
  model = await startScriptedModelServer();
  const client = createModelClient({
    baseURL: model.baseURL,
    apiKey: "test",
    model: "scripted",
    maxRetries: 0,
  });
  worker = await startWorker({
    settings: testSettings(),
    ...fastOptions,
    responder: modelResponder(client),
    thinkingAfterMs: 5_000,
    clock: () => new Date(Date.now() + skewMs),
  });
  await waitFor(
    "pool at target",
    async () => (await env.t.db.identity.count({ where: { status: "idle" } })) === 1,
    60_000,
  );
});
afterAll(async () => {
  await worker.close();
  await model.close();
  await env.cleanup();
  tmp.remove();
});

describe("a scheduled agent turn", () => {
  it("the model sets a prompt reminder; when due the agent does the task and posts the result once", async () => {
    const room = await launchAndJoin(tmp.dir, "Host", "Runs the standup.");
    // A prompt reminder must be 2 minutes ahead (a turn that re-arms itself can't run the model every tick).
    // One minute ahead is too soon, and still ahead when a loaded machine takes seconds to get the call there.
    const tooSoon = new Date(Date.now() + 60_000).toISOString();
    const at = new Date(Date.now() + 150_000).toISOString();
    const task = { text: "summarise the answers", mode: "prompt" };
    model.script(
      { toolCalls: [{ name: "remind", arguments: { at: tooSoon, ...task } }] },
      { toolCalls: [{ name: "remind", arguments: { at, ...task } }] },
      { text: "Will do." },
    );
    expect(await ask(room.group, room.agentInbox, "summarise our answers in a moment")).toEqual(["Will do."]);
    expect(model.requests.at(-2)?.messages.at(-1)?.content).toMatch(
      /a prompt reminder must be at least 2 minutes ahead/,
    );
    skewMs = 150_000; // the scheduler's clock reaches the reminder
    const offered = model.requests.at(-2)?.tools?.map((t) => t.function.name) ?? [];
    expect(offered).toEqual(
      expect.arrayContaining(["remind", "schedule", "reminders_list", "reminder_cancel"]),
    );
    expect(offered).not.toContain("web_search"); // no provider configured

    // When it falls due, the turn's prompt carries the task; the default script echoes it back.
    const posted = await waitFor(
      "the scheduled turn's answer",
      async () =>
        (await texts(room.group)).find(
          (m) => m.sender === room.agentInbox && m.text.includes("summarise the answers"),
        )?.text,
      30_000,
    );
    expect(posted).toMatch(
      /^echo: \(A scheduled task .* is due now\. Do it and post the result: summarise the answers\)$/,
    );
    const turn = model.requests.find((r) => lastUserText(r).includes("A scheduled task"));
    expect(turn?.tools?.length).toBeGreaterThan(0);
    // The firing is marked sent after its answer went out: from then on nothing more is posted for it.
    await waitFor("the firing sent", async () =>
      (await env.t.db.scheduleFiring.findMany({ select: { status: true } })).every(
        (f) => f.status === "sent",
      ),
    );
    const again = (await texts(room.group)).filter((m) => m.text.includes("A scheduled task"));
    expect(again).toHaveLength(1);
    expect(await env.t.db.scheduleFiring.findMany({ select: { status: true } })).toEqual([
      { status: "sent" },
    ]);
  });
});

/** After a tool round the scripted model says the last tool result; otherwise it echoes. */
const echoToolResult = (r: RecordedRequest) => {
  const last = r.messages.at(-1)!;
  return last.role === "tool" ? { text: last.content } : { text: `echo: ${lastUserText(r)}` };
};

const poolHasOne = () =>
  waitFor(
    "an idle identity",
    async () => (await env.t.db.identity.count({ where: { status: "idle" } })) >= 1,
    60_000,
  );

describe("hostile schedules through the model", () => {
  it("rules rrule never returns on, a start in the year 1000 and many runs an hour are refused; the agent answers on", async () => {
    await poolHasOne();
    const room = await launchAndJoin(tmp.dir, "Clock", "Keeps time.");
    model.setDefault(echoToolResult);
    // An odd hour (UTC, the agent's zone) within the next day: every 2 hours from it never reaches 18:00.
    const odd = new Date(Date.now() + 2 * 3_600_000);
    odd.setUTCMinutes(0, 0, 0);
    if (odd.getUTCHours() % 2 === 0) odd.setUTCHours(odd.getUTCHours() + 1);
    const cases: [Record<string, string>, RegExp][] = [
      [{ rule: "FREQ=SECONDLY;INTERVAL=60;BYSECOND=30" }, /the rule can never run: .*BYSECOND=30/],
      [
        { rule: "FREQ=HOURLY;INTERVAL=2;BYHOUR=18", start: odd.toISOString().replace(".000", "") },
        /the rule can never run: every 2 hours from \d\d:00:00 never lands on BYHOUR=18/,
      ],
      [{ rule: "FREQ=DAILY", start: "1000-01-01T09:00" }, /the start must be within a day of now/],
      [{ rule: "FREQ=HOURLY;BYMINUTE=0,15,30,31,32" }, /runs must be at least 15 minutes apart/],
    ];
    for (const [args, refusal] of cases) {
      model.script({ toolCalls: [{ name: "schedule", arguments: { ...args, text: "ping" } }] });
      const started = performance.now();
      const [answer] = await ask(room.group, room.agentInbox, `schedule ${JSON.stringify(args)}`);
      expect(answer).toMatch(refusal);
      expect(performance.now() - started).toBeLessThan(10_000);
      // The agent answers the next message within seconds.
      const next = performance.now();
      expect(await ask(room.group, room.agentInbox, "still there?")).toEqual(["echo: still there?"]);
      expect(performance.now() - next).toBeLessThan(10_000);
    }
    // Nothing was set, so nothing fires.
    expect(await env.t.db.schedule.count({ where: { identityId: room.identityId } })).toBe(0);
    expect(await env.t.db.scheduleFiring.count({ where: { identityId: room.identityId } })).toBe(0);
  });

  it("a member's reminders end when they leave the group or may no longer talk to the agent; the others' stay", async () => {
    await poolHasOne();
    const room = await launchAndJoin(tmp.dir, "Keeper", "Keeps reminders.");
    await env.t.db.agent.update({ where: { id: room.agentId }, data: { dmPolicy: "open" } });
    model.setDefault(echoToolResult);
    const bob = await newIdentity(tmp.dir);
    const bobGroup = await joinAs(bob, room.inviteUrl);
    const carol = await newIdentity(tmp.dir);
    const carolGroup = await joinAs(carol, room.inviteUrl);
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const inTenMinutes = new Date(Date.now() + 600_000).toISOString();
    const remindVia = async (group: typeof room.group, text: string, at = inAnHour) => {
      await group.sync();
      model.script({ toolCalls: [{ name: "remind", arguments: { at, text } }] });
      const [answer] = await ask(group, room.agentInbox, `remind me: ${text}`);
      expect(answer).toMatch(/^Reminder \[\w+\] set for/);
    };
    await remindVia(bobGroup, "bob's call");
    await remindVia(carolGroup, "carol's call", inTenMinutes);
    await remindVia(room.group, "alice's call");
    const rows = await env.t.db.schedule.findMany({
      where: { identityId: room.identityId },
      select: { text: true, createdByInboxId: true, status: true },
      orderBy: { text: "asc" },
    });
    expect(rows).toEqual([
      { text: "alice's call", createdByInboxId: room.operator.client.inboxId, status: "active" },
      { text: "bob's call", createdByInboxId: bob.client.inboxId, status: "active" },
      { text: "carol's call", createdByInboxId: carol.client.inboxId, status: "active" },
    ]);
    const statusOf = async (text: string) =>
      (await env.t.db.schedule.findFirst({ where: { identityId: room.identityId, text } }))?.status;

    // Bob leaves: the conversation watch cancels his.
    await bobGroup.requestRemoval();
    await waitFor(
      "bob's reminder cancelled",
      async () => (await statusOf("bob's call")) === "cancelled",
      30_000,
    );

    // Carol may no longer talk to the agent (allowlist only, she is not on it): hers is not posted when due.
    await env.t.db.agent.update({
      where: { id: room.agentId },
      data: { dmPolicy: "allowlist", allowlist: [] },
    });
    skewMs += 700_000; // the scheduler's clock passes carol's reminder
    // Its run is cancelled at firing, not sent (a one-off reminder ends with its run).
    const carols = await env.t.db.schedule.findFirstOrThrow({
      where: { identityId: room.identityId, text: "carol's call" },
    });
    await waitFor(
      "carol's run cancelled",
      async () =>
        (await env.t.db.scheduleFiring.findFirst({ where: { scheduleId: carols.id } }))?.status ===
        "cancelled",
      30_000,
    );
    expect(
      (await texts(room.group)).some((m) => m.text.includes("carol's call") && m.text.startsWith("⏰")),
    ).toBe(false);
    expect(await statusOf("alice's call")).toBe("active");
  });
});
