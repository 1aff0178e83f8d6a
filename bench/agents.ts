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
 * answers/s, process CPU (worker and senders share the process) and RSS.
 */
import { finish, latencyMeter, startLiveAgents } from "./live-agents.ts";

const [agents, rate, seconds] = [
  Number(process.argv[2] ?? 100),
  Number(process.argv[3] ?? 20),
  Number(process.argv[4] ?? 15),
];
const { offlineResponder } = await import("../workers/agents/responder.ts");
const { modelResponder } = await import("../workers/agents/model-responder.ts");
const { createModelClient } = await import("../lib/llm/index.ts");
const { startScriptedModelServer } = await import("../lib/llm/scripted-server.ts");

const live = await startLiveAgents(agents, offlineResponder);
const meter = await latencyMeter(live);
await meter.phase(
  `offline responder, ${agents} agents, ${rate} msg/s for ${seconds} s`,
  live.groups,
  rate,
  seconds,
);
const model = await startScriptedModelServer();
const client = createModelClient({ baseURL: model.baseURL, apiKey: "bench", model: "scripted" });
await live.restartWorker(modelResponder(client));
await meter.phase(
  `scripted model (loopback), ${agents} agents, ${rate} msg/s for ${seconds} s`,
  live.groups,
  rate,
  seconds,
);
await meter.stop();
await model.close();
await finish(live);
