/**
 * `npx tsx bench/agents.ts [agents=100] [rate=20] [seconds=15]`: answer latency
 * of live agents in ONE in-process worker (embedded PostgreSQL, a local XMTP
 * node of its own on an ephemeral port; set-up in bench/live-agents.ts).
 *
 * For each responder (offline, then the scripted OpenAI-compatible model on
 * loopback, the worker restarted in between), the senders send `rate`
 * messages per second, round-robin over the agents, for `seconds` (at most one
 * unanswered message per conversation: a bounded load). Latency = send → the
 * answer arriving on the sender's stream. Printed: p50/p95/max latency,
 * answers/s, process CPU (worker and senders share the process) and RSS. A
 * third phase adds a tool round: the scripted model first calls `react` (👍 on
 * the message), then answers in text; the last line compares its p95 with the
 * plain model phase's.
 *
 * Each phase also prints when each step of an answer ended, p50 and p95 (lib/perf/answer-timeline.ts);
 * before the phases, what the live agents cost at rest. Settings:
 *   BENCH_NODE=process     the local node in a child process of its own, as the network would be;
 *   BENCH_SQL=1            the statements sent to PostgreSQL per phase, the most frequent first;
 *   BENCH_PROFILE_DIR=dir  a CPU profile of each phase (summarise it: bench/profile-top.ts).
 */
import { finish, latencyMeter, startLiveAgents } from "./live-agents.ts";

const [agents, rate, seconds] = [
  Number(process.argv[2] ?? 100),
  Number(process.argv[3] ?? 20),
  Number(process.argv[4] ?? 15),
];
const { offlineResponder } = await import("@/workers/agents/answer/responder.ts");
const { modelResponder } = await import("@/workers/agents/answer/model-responder.ts");
const { createModelClient } = await import("@/lib/llm/index.ts");
const { startScriptedModelServer } = await import("@/test/scripted-model-server.ts");

const live = await startLiveAgents(agents, offlineResponder, {
  nodeProcess: process.env.BENCH_NODE === "process",
});
const meter = await latencyMeter(live);
const load = `${agents} agents, ${rate} msg/s for ${seconds} s`;
await meter.idle(`${agents} live agents at rest`, 10);
await meter.phase(`offline responder, ${load}`, live.groups, rate, seconds);
const model = await startScriptedModelServer();
const client = createModelClient({ baseURL: model.baseURL, apiKey: "bench", model: "scripted" });
await live.restartWorker(modelResponder(client));
const plain = await meter.phase(`scripted model (loopback), ${load}`, live.groups, rate, seconds);
// The same with a tool round: one `react` call, then the text answer.
model.setDefault((r) =>
  r.messages.at(-1)?.role === "tool"
    ? { text: "done", tokens: 10 }
    : { toolCalls: [{ name: "react", arguments: { emoji: "👍" } }], tokens: 10 },
);
const tool = await meter.phase(
  `scripted model + one tool round (react), ${load}`,
  live.groups,
  rate,
  seconds,
);
console.log(
  `answer p95: ${plain.p95.toFixed(0)} ms without the tool round, ${tool.p95.toFixed(0)} ms with it (${(tool.p95 / plain.p95).toFixed(2)}x; target < 2x)`,
);
await meter.stop();
await model.close();
await finish(live);
