/**
 * `npx tsx bench/scale.ts [workers=3] [agentsPerWorker=150] [rate=20] [seconds=30]`: several worker
 * PROCESSES sharing one database and one DATA_DIR (one home), under traffic, and one of them
 * SIGKILLed a third of the way through. Run it in a network namespace of your own: the workers find
 * the local XMTP node only on its default port (5556).
 *
 * Set-up: the workers fill the pool together (workers x agentsPerWorker warm identities), every one
 * is claimed and joined by ten senders; the workers run the scripted model (loopback), which echoes
 * each question, so every answer names its message. Then the senders send `rate` messages per second,
 * round-robin, at most one unanswered per conversation. At seconds/3 the busiest worker is SIGKILLed
 * and each of its agents is sent a probe at once.
 * Printed: agents per worker (max/min) before the kill and after the failover; the failover time (the
 * kill → the last probe answered); messages lost (never answered) and answered twice (both must be 0),
 * read from the conversations at the end, with each lost message's ledger row.
 */
import type { ChildProcess } from "node:child_process";
import type { DecodedMessage, Group } from "@xmtp/node-sdk";
import { benchWorkerEnv } from "./setup.ts";
import { setTimeout as sleep } from "node:timers/promises";

const [workerCount, perWorker, rate, seconds] = [
  Number(process.argv[2] ?? 3),
  Number(process.argv[3] ?? 150),
  Number(process.argv[4] ?? 20),
  Number(process.argv[5] ?? 30),
];
const agents = workerCount * perWorker;
const LEASE_MS = 10_000;
const benchEnv = await benchWorkerEnv("bench-scale-", 5556);
const { db } = await import("@/lib/db.ts");
const { claimWarmIdentity } = await import("@/lib/agents/claim-warm-identity.ts");
const { startScriptedModelServer } = await import("@/test/scripted-model-server.ts");
const { spawnWorkerProcess, exited, killIfRunning } = await import("@/test/worker-process.ts");
const { joinAsSenders } = await import("./senders.ts");
const { discardQueue } = await import("@/lib/xmtp/stream.ts");

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const model = await startScriptedModelServer();
const ids = Array.from({ length: workerCount }, (_, i) => `scale-${i + 1}`);
const children = new Map<string, ChildProcess>();

async function perWorkerCounts(): Promise<Map<string, number>> {
  const rows = await db.identity.groupBy({
    by: ["leaseOwner"],
    where: { agentId: { not: null }, status: "live", leaseOwner: { not: null } },
    _count: { _all: true },
  });
  return new Map(ids.map((id) => [id, rows.find((r) => r.leaseOwner === id)?._count._all ?? 0]));
}
const spread = (counts: Map<string, number>, among = ids) => {
  const xs = among.map((id) => counts.get(id) ?? 0);
  return `${xs.join(" / ")} (max ${Math.max(...xs)}, min ${Math.min(...xs)})`;
};

try {
  // 1. the workers fill the pool together; every warm identity is claimed and joined.
  await db.poolSetting.create({ data: { id: 1, targetIdle: agents, maxConcurrentCreates: 4 } });
  let t0 = performance.now();
  for (const id of ids)
    children.set(
      id,
      spawnWorkerProcess({
        id,
        databaseUrl: benchEnv.databaseUrl,
        dataDir: benchEnv.dataDir,
        masterKey: benchEnv.masterKey,
        env: {
          WORKER_LEASE_MS: String(LEASE_MS),
          WORKER_HEARTBEAT_MS: "2000",
          WORKER_POLL_MS: "1000",
          WORKER_SWEEP_MS: "3000",
          LLM_BASE_URL: model.baseURL,
          LLM_API_KEY: "bench",
          LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
          ...(process.env.WORKER_HANDOFF_CONCURRENCY
            ? { WORKER_HANDOFF_CONCURRENCY: process.env.WORKER_HANDOFF_CONCURRENCY }
            : {}),
        },
      }),
    );
  while ((await db.identity.count({ where: { status: "idle" } })) < agents) await sleep(500);
  await db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: 0 } });
  console.log(`${workerCount} workers filled a pool of ${agents} in ${secs(performance.now() - t0)}`);
  const invites: string[] = [];
  for (let i = 0; i < agents; i++)
    invites.push(
      (
        await claimWarmIdentity({
          ownerId: null,
          templateId: null,
          name: `Agent ${i}`,
          instructions: "Bench.",
        })
      ).inviteUrl,
    );
  t0 = performance.now();
  // Live first: a join request waits for its agent's worker, and the senders' joins would time out meanwhile.
  while ([...(await perWorkerCounts()).values()].reduce((a, b) => a + b) < agents) await sleep(250);
  console.log(`${agents} agents claimed and live in ${secs(performance.now() - t0)}`);
  t0 = performance.now();
  const { senders, groups } = await joinAsSenders(invites, 10);
  console.log(`10 senders joined ${groups.length} conversations in ${secs(performance.now() - t0)}`);
  const before = await perWorkerCounts();
  console.log(`agents per worker: ${spread(before)}`);
  await sleep(2_000); // greetings out of the way

  // 2. traffic; every answer names its question ("echo: <question>").
  const answers = new Map<string, number>(); // question → answers seen
  const sentAt = new Map<string, number>();
  const pending = new Map<string, string>(); // conversation id → its unanswered question
  const answeredAt = new Map<string, number>();
  const onValue = (m: DecodedMessage<unknown> | undefined) => {
    if (!m || typeof m.content !== "string" || !m.content.startsWith("echo: ")) return;
    const question = m.content.slice("echo: ".length);
    if (!sentAt.has(question)) return;
    answers.set(question, (answers.get(question) ?? 0) + 1);
    answeredAt.set(question, answeredAt.get(question) ?? performance.now());
    if (pending.get(m.conversationId) === question) pending.delete(m.conversationId);
  };
  const streams = await Promise.all(
    senders.map(async (s) => discardQueue(await s.client.conversations.streamAllGroupMessages({ onValue }))),
  );
  const messageIds = new Map<string, { id: string; conversationId: string }>(); // question → its message
  const send = (g: Group<unknown>, question: string) => {
    sentAt.set(question, performance.now());
    pending.set(g.id, question);
    void g.sendText(question).then(
      (id) => void messageIds.set(question, { id, conversationId: g.id }),
      (err) => console.error(`sending "${question}" failed`, err),
    );
  };

  const victim = [...before.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const victimIdentities = await db.identity.findMany({
    where: { leaseOwner: victim, agentId: { not: null } },
    select: { id: true },
  });
  const victimConversations = new Set(
    (
      await db.identity.findMany({
        where: { leaseOwner: victim, agentId: { not: null } },
        select: { conversationId: true },
      })
    ).map((r) => r.conversationId),
  );
  const probes: string[] = [];
  let killedAt = 0;
  /** When the last of the victim's identities was leased by another worker (from the kill). */
  let leasesTakenMs = NaN;
  let watching = true; // until the traffic is over: the database goes away after
  const watchLeases = async () => {
    while (watching && Number.isNaN(leasesTakenMs)) {
      const still = await db.identity.count({
        where: { id: { in: victimIdentities.map((v) => v.id) }, leaseOwner: victim },
      });
      const unowned = await db.identity.count({
        where: { id: { in: victimIdentities.map((v) => v.id) }, leaseOwner: null },
      });
      if (still + unowned === 0) leasesTakenMs = performance.now() - killedAt;
      else await sleep(200);
    }
  };
  const total = rate * seconds;
  const w0 = performance.now();
  let skipped = 0;
  for (let i = 0; i < total; i++) {
    const due = w0 + (i * 1000) / rate;
    if (due > performance.now()) await sleep(due - performance.now());
    if (killedAt === 0 && i >= total / 3) {
      children.get(victim)!.kill("SIGKILL");
      killedAt = performance.now();
      void watchLeases();
      for (const g of groups)
        if (victimConversations.has(g.id)) {
          const probe = `probe ${g.id.slice(0, 8)}`;
          probes.push(probe);
          send(g, probe);
        }
    }
    const g = groups[i % groups.length];
    if (pending.has(g.id)) {
      skipped++;
      continue;
    }
    send(g, `message ${i}`);
  }
  const deadline = performance.now() + 60_000;
  while (pending.size > 0 && performance.now() < deadline) await sleep(200);
  await sleep(3_000); // time for a late duplicate to show
  watching = false;
  await Promise.all(streams.map((st) => st.end()));
  await exited(children.get(victim)!);

  const after = await perWorkerCounts();
  const survivors = ids.filter((id) => id !== victim);
  // What was answered is read from the conversations themselves: the streams give the times, but a
  // sender's stream that fails under load syncs what it missed without emitting it.
  const inConversations = new Map<string, number>(); // question → answers in its conversation
  for (let i = 0; i < groups.length; i += 25)
    await Promise.all(
      groups.slice(i, i + 25).map(async (g) => {
        await g.sync();
        for (const m of await g.messages()) {
          if (typeof m.content !== "string" || !m.content.startsWith("echo: ")) continue;
          const question = m.content.slice("echo: ".length);
          if (sentAt.has(question)) inConversations.set(question, (inConversations.get(question) ?? 0) + 1);
        }
      }),
    );
  const missedByStreams = [...inConversations.keys()].filter((q) => !answers.has(q)).length;
  const lostQuestions = [...sentAt.keys()].filter((q) => !inConversations.has(q));
  const lost = lostQuestions.length;
  const twice = [...inConversations.values()].filter((n) => n > 1).length;
  const probeTimes = probes.filter((p) => answeredAt.has(p)).map((p) => answeredAt.get(p)! - killedAt);
  console.log(
    `traffic: ${sentAt.size} messages at ${rate}/s for ${seconds} s over ${agents} agents (${skipped} skipped: previous still unanswered)`,
  );
  console.log(
    `SIGKILL of ${victim} (${victimConversations.size} agents): its agents answered again after ${secs(Math.max(...probeTimes))} ` +
      `(${probes.length - probeTimes.length} of ${probes.length} probes' answers not seen live) ` +
      `(first ${secs(Math.min(...probeTimes))}; all its leases taken by the others after ${secs(leasesTakenMs)}; ` +
      `lease ${secs(LEASE_MS)}, target: lease + 5 s)`,
  );
  console.log(`agents per surviving worker after the failover: ${spread(after, survivors)}`);
  console.log(`messages lost: ${lost}; messages answered twice: ${twice}`);
  if (missedByStreams > 0)
    console.log(`  (answers the senders' streams missed, found in the conversations: ${missedByStreams})`);
  for (const q of lostQuestions.slice(0, 5)) {
    // Where it was lost: the agent's worker before the kill, and the message's row in the agent's ledger.
    const sent = messageIds.get(q);
    const row = sent
      ? await db.handledMessage.findFirst({
          where: { messageId: sent.id },
          select: { kind: true, attempts: true },
        })
      : null;
    const whose =
      sent && victimConversations.has(sent.conversationId) ? `${victim}'s agent` : "a survivor's agent";
    console.log(
      `  lost: "${q}", sent ${secs((sentAt.get(q) ?? 0) - killedAt)} after the kill, to ${whose}; ` +
        `ledger: ${row ? `${row.kind} (attempts ${row.attempts})` : "no row"}`,
    );
  }
} finally {
  for (const c of children.values()) killIfRunning(c);
  await model.close();
  await db.$disconnect();
  await benchEnv.stop();
}
process.exit(0);
