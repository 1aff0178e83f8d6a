/**
 * `npx tsx bench/memory.ts [agents=20] [rate=10] [seconds=10]`: what memory costs an answer. Live agents
 * in one in-process worker answer with the scripted model on loopback (its own time next to nothing), first
 * with no memory, then with 50 memories of ~290 characters in every conversation (the prompt's bound:
 * what fits 4,000 characters). Printed: each phase's latency (bench/live-agents.ts), the system prompt's
 * mean size (after a warm-up phase), the p95 of reading the memory for one prompt, and the with/without p95 ratio (target ≤ 1.10).
 */
import { finish, latencyMeter, pct, startLiveAgents, db } from "./live-agents.ts";

const [agents, rate, seconds] = [
  Number(process.argv[2] ?? 20),
  Number(process.argv[3] ?? 10),
  Number(process.argv[4] ?? 10),
];
const { modelResponder } = await import("@/workers/agents/answer/model-responder.ts");
const { createModelClient } = await import("@/lib/llm/index.ts");
const { startScriptedModelServer } = await import("@/test/scripted-model-server.ts");
const { withMemory } = await import("@/lib/memory/memory.ts");

const model = await startScriptedModelServer();
const client = createModelClient({ baseURL: model.baseURL, apiKey: "bench", model: "scripted" });
const live = await startLiveAgents(agents, modelResponder(client));
const meter = await latencyMeter(live);
const load = `${agents} agents, ${rate} msg/s for ${seconds} s`;

/** The mean system prompt size of the model requests from index `from` on. */
const systemChars = (from: number) => {
  const sizes = model.requests.slice(from).map((r) => String(r.messages[0]?.content ?? "").length);
  return sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length);
};

// The first answers of a fresh worker are slow (connections, caches): warm up before measuring.
await meter.phase(`warm-up, ${agents} agents`, live.groups, rate, 5);
let from = model.requests.length;
const none = await meter.phase(`no memory, ${load}`, live.groups, rate, seconds);
const noneChars = systemChars(from);

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
from = model.requests.length;
const full = await meter.phase(`50 memories each, ${load}`, live.groups, rate, seconds);
const fullChars = systemChars(from);

const reads: number[] = [];
for (let i = 0; i < 500; i++) {
  const a = i % live.groups.length;
  const started = performance.now();
  await withMemory("Help.", { agentId: live.agentIds[a], conversationId: live.groups[a].id });
  reads.push(performance.now() - started);
}
reads.sort((x, y) => x - y);
console.log(
  `system prompt: ${noneChars.toFixed(0)} chars without memory, ${fullChars.toFixed(0)} with 50 memories`,
);
console.log(
  `reading the memory for one prompt: p50 ${pct(reads, 50).toFixed(2)} ms, p95 ${pct(reads, 95).toFixed(2)} ms`,
);
console.log(
  `answer p95: ${none.p95.toFixed(0)} ms without memory, ${full.p95.toFixed(0)} ms with it (${(full.p95 / none.p95).toFixed(2)}x; target ≤ 1.10x)`,
);
await meter.stop();
await model.close();
await finish(live);
