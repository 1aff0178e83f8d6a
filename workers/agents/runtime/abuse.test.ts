/**
 * The abuse limits of a running agent, against the real parts (PostgreSQL, the
 * local XMTP node, real clients) and the scripted model server: the /invite
 * cap, what one model call may cost, a flood from one sender (reading paused,
 * then caught up, the gap's other messages replayed), a flood of read
 * receipts (reading paused too), and the catch-up after a burst of reactions.
 */
import type { Group } from "@xmtp/node-sdk";
import { describe, expect, it } from "vitest";
import { newIdentity, waitFor, type Identity } from "@/test/convos";
import { INCOMING_MAX_CHARS } from "@/lib/llm/budget";
import { Reactions } from "@/workers/agents/answer/history";
import { MemberKind, profileUpdateCodec, sendWithCodec } from "@/lib/convos";
import type { WorkerEventMap } from "@/workers/agents/worker/events";
import { renderMetrics } from "@/lib/metrics/registry";
import { RATE_NOTICE, SenderRateLimiter } from "./inbox";
import { ask, joinAs, launchAndJoin, withRunningWorker, type LaunchedForTest } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { setTimeout as sleep } from "node:timers/promises";

const PAUSE_MS = 4_000;
const run = withRunningWorker({
  idle: 3,
  prefix: "agents-abuse",
  model: { maxTokens: 64 },
  settings: {
    AGENT_EXTRA_CONVERSATIONS_MAX: 1,
    AGENT_SENDER_BURST: 5,
    AGENT_SENDER_REFILL_MS: 1_000,
    AGENT_QUEUE_MAX: 50,
    AGENT_SENDER_CONTEXT_BURST: 20,
    AGENT_SENDER_CONTEXT_REFILL_MS: 1_000,
    AGENT_FLOOD_PAUSE_MS: PAUSE_MS,
  },
});
const { tmp } = run;

/** How many times messages sent at `sentAts` overflow the sender's bucket anew (each earns one notice). */
function floodEpisodes(sentAts: number[]): number {
  const bucket = new SenderRateLimiter(5, 1_000, () => Infinity);
  let noticed = false;
  let episodes = 0;
  for (const at of sentAts) {
    const { allowed, rested } = bucket.take("flooder", at);
    if (rested) noticed = false;
    if (!allowed && !noticed) {
      noticed = true;
      episodes++;
    }
  }
  return episodes;
}

let a: LaunchedForTest;
let flooder: Identity;
let floodGroup: Group<unknown>;
/** When the latest pause of the agent's reading ends (each pause announces its length). */
let pausedUntil = 0;

describe("abuse limits", () => {
  it("/invite is capped per agent: past the cap the operator is told so and nothing is claimed", async () => {
    a = await launchAndJoin(tmp.dir, "Planner", "Plans trips.");
    const [first] = await ask(a.group, a.agentInbox, "/invite Side", 1, 30_000);
    expect(first).toMatch(/Invite link: https:\/\//);
    expect(await ask(a.group, a.agentInbox, "/invite Another", 1, 30_000)).toEqual([
      "I already have 1 extra conversations, the most I may open.",
    ]);
    expect(await run.db.identity.count({ where: { agentId: a.agentId } })).toBe(2);
    // The launch and the one /invite.
    expect(await run.db.event.count({ where: { agentId: a.agentId, kind: "claim" } })).toBe(2);
  });

  it("every model call carries max_tokens, and a long message reaches the model cut to its bound", async () => {
    const long = "word ".repeat(4_000); // 20,000 characters
    const before = run.model.requests.length;
    await ask(a.group, a.agentInbox, long);
    const sent = run.model.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].max_tokens).toBe(64);
    const question = sent[0].messages.at(-1)?.content ?? "";
    expect(question.length).toBeLessThan(INCOMING_MAX_CHARS + 100);
    expect(question).toMatch(/\[message cut: only the first 4000 characters are shown\]$/);
    const agent = await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } });
    expect(agent.tokenCap).toBeNull();
    expect(await run.db.tokenReservation.count()).toBe(0); // the default cap reserved, then settled
  });

  it("a flood from one sender: reading paused, one notice, a bounded number of answers, the rest dropped; others still answered", async () => {
    await run.db.agent.update({ where: { id: a.agentId }, data: { dmPolicy: "open" } });
    const other = await newIdentity(tmp.dir);
    const otherGroup: Group<unknown> = await joinAs(other, a.inviteUrl);
    flooder = await newIdentity(tmp.dir);
    floodGroup = await joinAs(flooder, a.inviteUrl);
    const pauses: WorkerEventMap["agent:reading_paused"][] = [];
    run.worker!.events.on("agent:reading_paused", (p) => {
      pauses.push(p);
      pausedUntil = Date.now() + p.ms;
    });
    // Let the creator's post-join commits settle before sending (a send during a pending commit can fail).
    await sleep(1_000);
    await Promise.all([otherGroup.sync(), floodGroup.sync()]);
    const started = Date.now();
    const flood = Array.from({ length: 300 }, (_, i) => `flood ${i}`);
    const sending = (async () => {
      for (const text of flood) await floodGroup.sendText(text);
    })();
    // Someone else asks in the middle of the flood (same conversation) and is answered.
    await otherGroup.sendText("is anyone there?");
    await waitFor("the other member answered", () => agentSaid(otherGroup, "echo: is anyone there?"), 20_000);
    await sending;
    await waitFor("the flood recorded", async () => (await floodInLedger("flood ")) === flood.length, 30_000);
    // The bucket refills while the agent reads: what a pause held back is read seconds later, so the
    // window is until the whole flood was handled, not until it was sent.
    const seconds = (Date.now() - started) / 1000;
    const said = (await texts(a.group)).filter((m) => m.sender === a.agentInbox).map((m) => m.text);
    const answeredFlood = said.filter((t) => t.startsWith("echo: flood "));
    expect(answeredFlood.length).toBeGreaterThanOrEqual(5);
    expect(answeredFlood.length).toBeLessThanOrEqual(5 + Math.ceil(seconds) + 1);
    // One notice per flood: a sender whose bucket filled up again (a loaded machine can send slower than the
    // refill) may be noticed again when it overflows anew, a minute after the last notice at the soonest. At
    // most the episodes counted by the same bucket, replayed over the times the messages were sent.
    const sentAts = (await floodGroup.messages())
      .filter((m) => m.senderInboxId === flooder.client.inboxId && String(m.content).startsWith("flood "))
      .map((m) => Number(m.sentAtNs / 1_000_000n))
      .sort((x, y) => x - y);
    const notices = said.filter((t) => t === RATE_NOTICE).length;
    expect(notices).toBeGreaterThanOrEqual(1);
    expect(notices).toBeLessThanOrEqual(floodEpisodes(sentAts));
    const dropped = await run.db.handledMessage.count({
      where: { identityId: a.identityId, kind: "dropped" },
    });
    expect(dropped).toBe(flood.length - answeredFlood.length);
    await otherGroup.sendText("still there?");
    await waitFor("the other member answered again", () => agentSaid(otherGroup, "echo: still there?"));
    // The flood was read in pauses and catch-ups, not message by message: its sender, this agent.
    expect(pauses.length).toBeGreaterThanOrEqual(1);
    expect(pauses.length).toBeLessThan(flood.length / 5);
    for (const p of pauses)
      expect(p).toMatchObject({ identityId: a.identityId, sender: flooder.client.inboxId });
    await waitFor("the pauses counted in /api/metrics", async () => {
      const count = (await renderMetrics()).body.match(/^convos_worker_reading_pauses_total (\d+)$/m)?.[1];
      return Number(count) === pauses.length;
    });
  });

  it("what comes during a pause besides texts is replayed after it: a profile name set then is stored", async () => {
    await sleep(Math.max(0, pausedUntil + 500 - Date.now())); // the last pause of the flood is over
    const paused = new Promise<number>((r) =>
      run.worker!.events.on("agent:reading_paused", () => r(Date.now())),
    );
    // Past the burst of 5, published at once so the profile below goes out right after the pause begins.
    for (let i = 0; i < 10; i++) await floodGroup.sendText(`again ${i}`, { optimistic: true });
    await floodGroup.publishMessages();
    const pausedAt = await paused;
    await sendWithCodec(a.group, profileUpdateCodec, { name: "Ada", memberKind: MemberKind.Unspecified });
    // Sent while the agent was not reading live, so only the replay after the pause can have stored it.
    expect(Date.now() - pausedAt).toBeLessThan(PAUSE_MS);
    const operator = a.operator.client.inboxId;
    await waitFor("the operator's new name stored", async () => {
      const agent = await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } });
      return (agent.operatorNames as Record<string, string> | null)?.[operator] === "Ada";
    });
    // All ten handled (answered or dropped) before the next test counts answers.
    await waitFor(
      "the ten handled",
      async () => (await floodInLedger("again ", ["answered", "dropped"])) === 10,
    );
  });

  it("a flood of read receipts from one member pauses the agent's reading too; other agents are answered meanwhile", async () => {
    const bystander = await launchAndJoin(tmp.dir, "Bystander", "Waits.");
    const flooderInbox = flooder.client.inboxId;
    const pauses: WorkerEventMap["agent:reading_paused"][] = [];
    run.worker!.events.on("agent:reading_paused", (p) => pauses.push(p));
    const notices = async () => (await texts(a.group)).filter((m) => m.text === RATE_NOTICE).length;
    const noticesBefore = await notices();
    // Receipts cost the worker's thread as much as texts when read live, but ask for no answer.
    const receipts = 200;
    let sent = 0;
    const flooding = (async () => {
      for (; sent < receipts; sent++) await floodGroup.sendReadReceipt({ idempotencyKey: `receipt ${sent}` });
    })();
    await waitFor("reading paused for the receipts", () => pauses.length > 0, 30_000);
    // Another agent of the same worker answers while the flood goes on.
    expect(await ask(bystander.group, bystander.agentInbox, "still with me?")).toEqual([
      "echo: still with me?",
    ]);
    expect(sent).toBeLessThan(receipts);
    await flooding;
    for (const p of pauses)
      expect(p).toMatchObject({ agentId: a.agentId, identityId: a.identityId, sender: flooderInbox });
    // Paused, not read live: a pause at most every 20 receipts (the context burst), far fewer in practice.
    expect(pauses.length).toBeLessThanOrEqual(receipts / 20);
    // The flooded conversation is answered again once the flood is over, and a receipt got no notice.
    expect(await ask(a.group, a.agentInbox, "and now?", 1, 30_000)).toEqual(["echo: and now?"]);
    expect(await notices()).toBe(noticesBefore);
  });

  it("an answer that failed is retried by a later catch-up pass, and counted", async () => {
    // The database refuses the first `sending` mark (sequences ignore rollbacks: exactly once).
    await run.db.$executeRawUnsafe(`CREATE SEQUENCE fail_once`);
    await run.db.$executeRawUnsafe(`
      CREATE FUNCTION fail_once() RETURNS trigger AS $$
      BEGIN
        IF NEW.kind = 'sending' AND nextval('fail_once') = 1 THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await run.db.$executeRawUnsafe(
      `CREATE TRIGGER fail_once BEFORE UPDATE ON "HandledMessage" FOR EACH ROW EXECUTE FUNCTION fail_once()`,
    );
    try {
      await a.group.sendText("please retry me");
      await waitFor("the answer after a retry", () => agentSaid(a.group, "echo: please retry me"), 30_000);
      await a.group.sync();
      const asked = (await a.group.messages()).find((m) => m.content === "please retry me")!;
      // The answer is in the conversation a moment before its ledger row leaves `sending`.
      const row = await waitFor("the answer recorded", async () => {
        const r = await run.db.handledMessage.findUniqueOrThrow({
          where: { identityId_messageId: { identityId: a.identityId, messageId: asked.id } },
        });
        return r.kind === "sending" ? null : r;
      });
      expect(row).toMatchObject({ kind: "answered", attempts: 1 });
    } finally {
      await run.db.$executeRawUnsafe(`DROP TRIGGER fail_once ON "HandledMessage"`);
    }
  });

  it("after a restart, catch-up answers a question buried under 200 reactions", async () => {
    await run.closeAll();
    const question = "what did I miss?";
    await a.group.sendText(question);
    await a.group.sync();
    const asked = (await a.group.messages()).find((m) => m.content === question)!;
    for (let i = 0; i < 200; i++)
      await a.group.sendReaction({
        reference: asked.id,
        referenceInboxId: a.operator.client.inboxId,
        action: i % 2 === 0 ? Reactions.Added : Reactions.Removed,
        content: "👍",
        schema: Reactions.Unicode,
      });
    await run.start();
    await waitFor(
      "the buried question answered",
      async () =>
        (await texts(a.group)).some((m) => m.sender === a.agentInbox && m.text === `echo: ${question}`),
      30_000,
    );
  });
});

/** True once the agent said `text` in `group`. */
async function agentSaid(group: Group<unknown>, text: string): Promise<boolean> {
  return (await texts(group)).some((m) => m.sender === a.agentInbox && m.text === text);
}

/** The flooder's messages (`prefix` and a number) in the agent's ledger, of any kind or only of `kinds`. */
async function floodInLedger(prefix: string, kinds?: string[]): Promise<number> {
  await floodGroup.sync();
  const ids = (await floodGroup.messages())
    .filter(
      (m) =>
        m.senderInboxId === flooder.client.inboxId &&
        typeof m.content === "string" &&
        m.content.startsWith(prefix),
    )
    .map((m) => m.id);
  return run.db.handledMessage.count({
    where: { identityId: a.identityId, messageId: { in: ids }, ...(kinds && { kind: { in: kinds } }) },
  });
}
