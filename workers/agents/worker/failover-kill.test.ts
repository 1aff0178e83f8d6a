/**
 * A message that reaches a worker just before it is SIGKILLed is answered
 * exactly once, by the worker that takes the agent over, wherever in its
 * handling the kill lands: right after the send (0, 50, 200, 500 ms), once the
 * dead run took it in the ledger, while the model was still thinking (after its
 * thinking status went out: the next run's answer closes it), and between
 * winning the right to send and the answer reaching the network. Each time the
 * member writes again after the kill, before the next worker takes over. Two worker processes share one database and one
 * DATA_DIR; each killed one is replaced, so the agent always has somewhere to go.
 */
import type { ChildProcess } from "node:child_process";
import type { Group } from "@xmtp/node-sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newIdentity, tempDir, waitFor, type Identity } from "@/test/convos";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { ContentTypeThinking, isContentType, type Thinking } from "@/lib/convos/codecs";
import {
  lastUserText,
  startScriptedModelServer,
  type ScriptedModelServer,
} from "@/test/scripted-model-server";
import { joinAs, workerTestEnv, type WorkerTestEnv } from "@/test/worker";
import { takeWarmIdentities } from "@/test/warm-identities";
import { exited, killIfRunning, spawnTestWorker } from "@/test/worker-process";
import { texts } from "@/test/xmtp-clients";
import { afterBarrier } from "@/test/barrier";
import { setTimeout as sleep } from "node:timers/promises";

const LEASE_MS = 3_000;
/** How long the model takes on a "slow" question: past the worker's 1.5 s before it shows it is thinking. */
const SLOW_MODEL_MS = 2_500;

let env: WorkerTestEnv;
let model: ScriptedModelServer;
let sender: Identity;
let group: Group<unknown>;
let identityId: string;
let started = 0;
const tmp = tempDir("agents-failover-kill-");
const children = new Map<string, ChildProcess>();
const asked: string[] = [];
/** The question each message id asked, to name a thinking session left open. */
const questionOf = new Map<string, string>();
/** Hears each ledger transition of the agent's messages the moment it commits (a trigger's NOTIFY). */
let ledgerWatch: pg.Client;
const ledgerListeners = new Set<(messageId: string, kind: string) => void>();

function start(): string {
  const id = `k${++started}`;
  children.set(id, spawnTestWorker(id, env, { model, settings: { WORKER_LEASE_MS: String(LEASE_MS) } }));
  return id;
}

beforeAll(async () => {
  env = await workerTestEnv(1);
  await takeWarmIdentities(1, env.t.db, env.dataDir); // made ahead of time by the run's bank
  model = await startScriptedModelServer();
  // Every answer names its question; a question with "slow" in it keeps the model thinking.
  model.setDefault((r) => {
    const question = lastUserText(r);
    return { text: `echo: ${question}`, delayMs: question.includes("slow") ? SLOW_MODEL_MS : 0 };
  });
  sender = await newIdentity(tmp.dir);
  ledgerWatch = new pg.Client({ connectionString: env.t.url });
  await ledgerWatch.connect();
  await ledgerWatch.query(`
    CREATE FUNCTION ledger_notify() RETURNS trigger AS $$
    BEGIN
      PERFORM pg_notify('ledger', NEW."messageId" || ' ' || NEW.kind);
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    CREATE TRIGGER ledger_notify AFTER INSERT OR UPDATE ON "HandledMessage"
      FOR EACH ROW EXECUTE FUNCTION ledger_notify();
    LISTEN ledger;`);
  ledgerWatch.on("notification", (n) => {
    const [messageId, kind] = (n.payload ?? "").split(" ");
    for (const listener of ledgerListeners) listener(messageId, kind);
  });
});
afterAll(async () => {
  await ledgerWatch?.end();
  for (const c of children.values()) killIfRunning(c);
  await model?.close();
  await env?.cleanup();
  tmp.remove();
});

const answersTo = async (question: string) =>
  (await texts(group)).filter((m) => m.text === `echo: ${question}`).length;

/** The worker holding the agent now. */
const holder = () =>
  waitFor("the agent leased and live", async () => {
    const row = await env.t.db.identity.findUnique({ where: { id: identityId } });
    return row?.status === "live" && row.leaseOwner && children.has(row.leaseOwner) ? row.leaseOwner : null;
  });

/** Resolves when the agent's ledger row of `messageId` reaches a kind that `is` accepts, as it commits. */
function ledgerReaches(messageId: string, is: (kind: string) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const listener = (id: string, kind: string) => {
      if (id !== messageId || !is(kind)) return;
      ledgerListeners.delete(listener);
      resolve();
    };
    ledgerListeners.add(listener);
  });
}

/**
 * When to kill, from the question's send: after a delay, or at a point the test observes. `stopFirst`
 * freezes the process (SIGSTOP) in the same tick as the observation, so it gets no further.
 */
type KillPoint = { afterMs: number } | { when: (messageId: string) => Promise<void>; stopFirst?: boolean };

const KILL_POINTS: { name: string; question: string; at: KillPoint }[] = [
  { name: "at once", question: "q at once", at: { afterMs: 0 } },
  { name: "50 ms after the send", question: "q 50 ms", at: { afterMs: 50 } },
  { name: "200 ms after the send", question: "q 200 ms", at: { afterMs: 200 } },
  { name: "500 ms after the send", question: "q 500 ms", at: { afterMs: 500 } },
  {
    name: "once its run has taken it in the ledger",
    question: "q taken slow",
    at: { when: (id) => ledgerReaches(id, (k) => k.startsWith("answering:")), stopFirst: true },
  },
  {
    name: "while the model thinks, after its thinking status",
    question: "q thinking slow",
    at: {
      when: async () => {
        const asking = model.requests.length;
        await waitFor("the model asked", () => model.requests.length > asking, 20_000, 10);
        await sleep(SLOW_MODEL_MS - 500); // the thinking start goes out after 1.5 s
      },
    },
  },
  {
    name: "between winning the right to send and the answer reaching the network",
    question: "q sending slow",
    at: { when: (id) => ledgerReaches(id, (k) => k === "sending"), stopFirst: true },
  },
];

describe("a message sent just before a worker is SIGKILLed", () => {
  beforeAll(async () => {
    start();
    start();
    await waitFor(
      "the pool at its target",
      async () => (await env.t.db.identity.count({ where: { status: "idle" } })) === 1,
      60_000,
    );
    await env.t.db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: 0 } });
    const claim = await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: "Crash",
      instructions: "Echoes.",
    });
    identityId = claim.identityId;
    group = await joinAs(sender, claim.inviteUrl);
    await waitFor(
      "the greeting",
      async () => (await texts(group)).some((m) => m.text.startsWith("Hi, I'm")),
      30_000,
    );
  }, 120_000);

  for (const { name, question, at } of KILL_POINTS)
    it(`is answered once by the next worker when the kill lands ${name}`, async () => {
      const victim = await holder();
      const child = children.get(victim)!;
      const gone = exited(child);
      // The message's id is known once it is published, maybe after the worker has taken it: its ledger
      // transitions are kept from the start and replayed.
      const seen: [string, string][] = [];
      const record = (id: string, kind: string) => void seen.push([id, kind]);
      ledgerListeners.add(record);
      const messageId = await group.sendText(question);
      asked.push(question);
      questionOf.set(messageId, question);
      if ("afterMs" in at) await sleep(at.afterMs);
      else {
        const reached = at.when(messageId);
        ledgerListeners.delete(record);
        for (const [id, kind] of seen) for (const listener of ledgerListeners) listener(id, kind);
        await reached;
        if (at.stopFirst) child.kill("SIGSTOP");
      }
      ledgerListeners.delete(record);
      child.kill("SIGKILL");
      expect(await gone).toBe("SIGKILL");
      // Someone writes again while nobody runs the agent: the next run's stream replays it at once, and its
      // answer must not hide that the question before it was never answered.
      const next = `${question}, again`;
      questionOf.set(await group.sendText(next), next);
      asked.push(next);
      start(); // the agent's next home is the other worker; this one keeps two running
      for (const q of [question, next])
        await waitFor(`an answer to "${q}"`, () => answersTo(q), LEASE_MS + 30_000, 250);
      expect([await answersTo(question), await answersTo(next)]).toEqual([1, 1]);
    }, 90_000);

  it("answered every question exactly once", async () => {
    const all = await afterBarrier(group);
    const counts = asked.map((q) => ({ q, n: all.filter((m) => m.text === `echo: ${q}`).length }));
    expect(counts.filter((c) => c.n !== 1)).toEqual([]);
    expect(counts).toHaveLength(KILL_POINTS.length * 2);
    // Every thinking session a client saw open was closed, a killed run's by the next run's answer.
    const last = new Map<string, unknown>();
    for (const m of await group.messages())
      if (isContentType(m.contentType, ContentTypeThinking)) {
        const t = m.content as Thinking;
        last.set(questionOf.get(t.targetMessageId) ?? t.targetMessageId, t.state);
      }
    expect(last.size).toBeGreaterThan(0);
    expect([...last].filter(([, state]) => state !== "stop")).toEqual([]);
  });
});
