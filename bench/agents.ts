/**
 * `npx tsx bench/agents.ts [agents=100] [rate=20] [seconds=15]`: answer latency
 * of live agents in ONE in-process worker (embedded PostgreSQL, a local XMTP
 * node of its own on an ephemeral port).
 *
 * Set-up: `agents` warm identities are claimed; ten sender clients join the
 * conversations (each sender is then its agents' operator, so every message
 * is answered). Then, for each responder (offline, then the scripted
 * OpenAI-compatible model on loopback, the worker restarted in between), the
 * sender sends `rate` messages per second, round-robin over the agents, for
 * `seconds` (at most one unanswered message per conversation: a bounded
 * load). Latency = send → the answer arriving on the sender's stream.
 * Printed: p50/p95/max latency, answers/s, process CPU (worker and sender
 * share the process) and RSS. A third phase adds a tool round: the scripted
 * model first calls `react` (👍 on the message), then answers in text; the
 * last line compares its p95 with the plain model phase's.
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import pino from "pino";
import { benchWorkerEnv } from "./setup.ts";

const [agents, rate, seconds] = [
  Number(process.argv[2] ?? 100),
  Number(process.argv[3] ?? 20),
  Number(process.argv[4] ?? 15),
];
const benchEnv = await benchWorkerEnv("bench-agents-");
const { db } = await import("../lib/db.ts");
const { joinAsSenders } = await import("./senders.ts");
const { claimWarmIdentity } = await import("../lib/agents/claim-warm-identity.ts");
const { startWorker } = await import("../workers/agents/worker.ts");
const { offlineResponder } = await import("../workers/agents/responder.ts");
const { modelResponder } = await import("../workers/agents/model-responder.ts");
const { createModelClient } = await import("../lib/llm/index.ts");
const { startScriptedModelServer } = await import("../test/scripted-model-server.ts");

const log = pino({ level: "warn" });
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) =>
  xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const workerOptions = {
  logger: log,
  pollMs: 500,
  fillIntervalMs: 200,
  joinTimeoutMs: 60_000,
  maxConcurrentCreates: 4,
};

// 1. agents: fill the pool, claim, join each conversation as the sender.
await db.poolSetting.create({ data: { id: 1, targetIdle: agents, maxConcurrentCreates: 4 } });
let worker = await startWorker({ ...workerOptions, responder: offlineResponder });
let t0 = performance.now();
while ((await db.identity.count({ where: { status: "idle" } })) < agents) await sleep(250);
await db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: 0 } });
console.log(`pool of ${agents} filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const invites: string[] = [];
for (let i = 0; i < agents; i++)
  invites.push(
    (await claimWarmIdentity({ ownerId: null, templateId: null, name: `Agent ${i}`, instructions: "Bench." }))
      .inviteUrl,
  );
while (worker.running().length < agents) await sleep(200);
const agentInboxes = new Set(
  (await db.identity.findMany({ where: { agentId: { not: null } }, select: { inboxId: true } })).map(
    (r) => r.inboxId,
  ),
);
// Ten senders, each joining its share of the conversations one at a time.
const SENDERS = Math.min(10, agents);
t0 = performance.now();
const { senders, groups } = await joinAsSenders(invites, SENDERS);
console.log(
  `${SENDERS} senders joined ${groups.length} conversations in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
await sleep(2_000); // greetings out of the way

// 2. steady load against the worker's current responder.
const pending = new Map<string, number>(); // conversation id → send time
const latencies: number[] = [];
const onValue = (m: DecodedMessage<unknown> | undefined) => {
  if (!m || !agentInboxes.has(m.senderInboxId) || typeof m.content !== "string") return;
  const sentAt = pending.get(m.conversationId);
  if (sentAt === undefined || m.content.startsWith("Hi, I'm")) return;
  pending.delete(m.conversationId);
  latencies.push(performance.now() - sentAt);
};
const streams = await Promise.all(
  senders.map((s) => s.client.conversations.streamAllGroupMessages({ onValue })),
);

async function phase(label: string): Promise<number> {
  latencies.length = 0;
  pending.clear();
  global.gc?.();
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  let sent = 0;
  let skipped = 0;
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const due = w0 + (i * 1000) / rate;
    if (due > performance.now()) await sleep(due - performance.now());
    const g = groups[i % groups.length];
    if (pending.has(g.id)) {
      skipped++;
      continue;
    }
    pending.set(g.id, performance.now());
    void g.sendText(`message ${i}`).catch(() => pending.delete(g.id));
    sent++;
  }
  const deadline = performance.now() + 30_000;
  while (pending.size > 0 && performance.now() < deadline) await sleep(100);
  const wall = (performance.now() - w0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    `${label}: ${sent} sent (${skipped} skipped: previous still unanswered), ${sorted.length} answered, ${pending.size} unanswered; ` +
      `latency p50 ${pct(sorted, 50).toFixed(0)} ms, p95 ${pct(sorted, 95).toFixed(0)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(0)} ms; ` +
      `${(sorted.length / wall).toFixed(1)} answers/s; CPU ${(((cpu.user + cpu.system) / 1e6 / wall) * 100).toFixed(0)}% of one core; RSS ${mb(process.memoryUsage().rss)}`,
  );
  return pct(sorted, 95);
}

await phase(`offline responder, ${agents} agents, ${rate} msg/s for ${seconds} s`);
await worker.stop();
const model = await startScriptedModelServer();
const client = createModelClient({ baseURL: model.baseURL, apiKey: "bench", model: "scripted" });
worker = await startWorker({ ...workerOptions, responder: modelResponder(client) });
while (worker.running().length < agents) await sleep(200);
await sleep(1_000);
const plainP95 = await phase(`scripted model (loopback), ${agents} agents, ${rate} msg/s for ${seconds} s`);
// 3. the same with a tool round: one `react` call, then the text answer.
model.setDefault((r) =>
  r.messages.at(-1)?.role === "tool"
    ? { text: "done", tokens: 10 }
    : { toolCalls: [{ name: "react", arguments: { emoji: "👍" } }], tokens: 10 },
);
const toolP95 = await phase(
  `scripted model + one tool round (react), ${agents} agents, ${rate} msg/s for ${seconds} s`,
);
console.log(
  `answer p95: ${plainP95.toFixed(0)} ms without the tool round, ${toolP95.toFixed(0)} ms with it (${(toolP95 / plainP95).toFixed(2)}x; target < 2x)`,
);

await Promise.all(streams.map((st) => st.end()));
await worker.stop();
await model.close();
await db.$disconnect();
await benchEnv.stop();
process.exit(0);
