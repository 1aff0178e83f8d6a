/**
 * `npx tsx bench/memory.ts [agents=20] [rate=10] [seconds=30] [summaryAfter=20]`: what memory costs an
 * answer. Live agents in one in-process worker answer with the scripted model on loopback (its own time
 * next to nothing). Every conversation is first made longer than the history window (18 more messages
 * each, answered), so that more than `summaryAfter` messages leave it. Each phase runs on a worker just
 * restarted and warmed up: the first with no memory and no summaries (MEMORY_SUMMARY_AFTER=0); the second
 * with MEMORY_SUMMARY_AFTER=`summaryAfter` (the default setting), 50 memories of ~290 characters in every
 * conversation (the prompt's bound: what fits 4,000 characters) and a summary of 1,500 characters
 * (SUMMARY_MAX_CHARS), which the summariser rewrites in the background: once per conversation at the
 * start of its warm-up (the check after a restart), then, in 30 s (each conversation answered every 2 s),
 * once more while answers are measured, as in a long conversation (one per 10 answers).
 * Printed: each phase's latency (bench/live-agents.ts) and summary calls, the answers' mean system prompt
 * size, the p50/p95 of reading the memory and summary for one prompt, and the ratio of the answer p95s
 * with and without (target ≤ 1.10).
 */
import { setTimeout as sleep } from "node:timers/promises";

const [agents, rate, seconds, summaryAfter] = [
  Number(process.argv[2] ?? 20),
  Number(process.argv[3] ?? 10),
  Number(process.argv[4] ?? 30),
  Number(process.argv[5] ?? 20),
];
process.env.MEMORY_SUMMARY_AFTER = "0";
const { finish, latencyMeter, pct, startLiveAgents, db } = await import("./live-agents.ts");
const { modelResponder } = await import("@/workers/agents/answer/model-responder.ts");
const { createModelClient } = await import("@/lib/llm/index.ts");
const { lastUserText, startScriptedModelServer } = await import("@/test/scripted-model-server.ts");
const { withMemory } = await import("@/lib/memory/memory.ts");
const { SUMMARISER_INSTRUCTIONS, SUMMARY_MAX_CHARS } = await import("@/lib/memory/summary.ts");
type Recorded = import("@/test/scripted-model-server.ts").RecordedRequest;

const model = await startScriptedModelServer();
const isSummaryCall = (r: Recorded) => String(r.messages[0]?.content).includes(SUMMARISER_INSTRUCTIONS);
const notes = (tag: string) => `${tag}: ${"the group agreed on the train, Ana books the rooms. ".repeat(40)}`;
model.setDefault((r) =>
  isSummaryCall(r)
    ? { text: notes("Rewritten notes").slice(0, SUMMARY_MAX_CHARS), tokens: 400 }
    : { text: `echo: ${lastUserText(r)}`, tokens: 10 },
);
const client = createModelClient({ baseURL: model.baseURL, apiKey: "bench", model: "scripted" });
const responder = modelResponder(client);
const live = await startLiveAgents(agents, responder);
const meter = await latencyMeter(live);

/** Makes every conversation `more` messages longer (each answered), so that messages leave the window. */
async function lengthen(more: number): Promise<void> {
  const answered = () => db.handledMessage.count({ where: { kind: "answered" } });
  const target = (await answered()) + more * live.groups.length;
  const started = performance.now();
  await Promise.all(
    live.groups.map(async (g) => {
      for (let i = 0; i < more; i++) await g.sendText(`earlier message ${i}`);
    }),
  );
  while ((await answered()) < target && performance.now() - started < 180_000) await sleep(250);
  console.log(
    `${more} more messages in each conversation, answered in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
await lengthen(18);
const load = `${agents} agents, ${rate} msg/s for ${seconds} s`;

/** The answers' mean system prompt size, and the summary calls, of the model requests from index `from` on. */
const requestsFrom = (from: number) => {
  const requests = model.requests.slice(from);
  const sizes = requests.filter((r) => !isSummaryCall(r)).map((r) => String(r.messages[0]?.content).length);
  return {
    systemChars: sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length),
    summaryCalls: requests.filter(isSummaryCall).length,
  };
};

// The first answers of a fresh worker are slow (connections, caches): warm up before measuring.
await live.restartWorker(responder);
await meter.phase(`warm-up after a restart, ${agents} agents`, live.groups, rate, 5);
let from = model.requests.length;
const none = await meter.phase(`no memory, ${load}`, live.groups, rate, seconds);
const noneRequests = requestsFrom(from);

const fact = (i: number) => `Fact ${i}: ${"someone said something worth keeping about the trip ".repeat(6)}`;
await db.memory.createMany({
  data: live.groups.flatMap((g, a) =>
    Array.from({ length: 50 }, (_, i) => ({
      agentId: live.agentIds[a],
      conversationId: g.id,
      text: fact(i).slice(0, 290),
      createdAt: new Date(Date.now() - (50 - i) * 1000),
    })),
  ),
});
await db.conversationSummary.createMany({
  data: live.groups.map((g, a) => ({
    agentId: live.agentIds[a],
    conversationId: g.id,
    text: notes("Seeded notes").slice(0, SUMMARY_MAX_CHARS),
    coveredUntilNs: 0n,
    messages: 0,
  })),
});
process.env.MEMORY_SUMMARY_AFTER = String(summaryAfter);
await live.restartWorker(responder);
await meter.phase(`warm-up after a restart with MEMORY_SUMMARY_AFTER=${summaryAfter}`, live.groups, rate, 5);
from = model.requests.length;
const full = await meter.phase(`50 memories and a summary each, ${load}`, live.groups, rate, seconds);
const fullRequests = requestsFrom(from);

const reads: number[] = [];
for (let i = 0; i < 500; i++) {
  const a = i % live.groups.length;
  const started = performance.now();
  await withMemory("Help.", { agentId: live.agentIds[a], conversationId: live.groups[a].id });
  reads.push(performance.now() - started);
}
reads.sort((x, y) => x - y);
const written = await db.conversationSummary.count({ where: { messages: { gt: 0 } } });
console.log(
  `summary calls while measured: ${noneRequests.summaryCalls} without memory, ${fullRequests.summaryCalls} with it ` +
    `(MEMORY_SUMMARY_AFTER=${summaryAfter}); ${written} of ${agents} conversations' summaries rewritten by the model`,
);
console.log(
  `system prompt: ${noneRequests.systemChars.toFixed(0)} chars without memory, ${fullRequests.systemChars.toFixed(0)} with 50 memories and a summary`,
);
console.log(
  `reading the memory and summary for one prompt: p50 ${pct(reads, 50).toFixed(2)} ms, p95 ${pct(reads, 95).toFixed(2)} ms`,
);
console.log(
  `answer p50: ${none.p50.toFixed(0)} ms without memory, ${full.p50.toFixed(0)} ms with it; ` +
    `p95: ${none.p95.toFixed(0)} ms without, ${full.p95.toFixed(0)} ms with (${(full.p95 / none.p95).toFixed(2)}x; target ≤ 1.10x)`,
);
await meter.stop();
await model.close();
await finish(live);
