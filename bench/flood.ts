/**
 * `npx tsx bench/flood.ts [agents=100] [rate=10] [seconds=20] [flood=10000]`:
 * one sender floods one agent with `flood` messages while the other agents get
 * normal traffic, all in ONE in-process worker (set-up in bench/live-agents.ts;
 * the scripted model on loopback answers, so the spending path runs too).
 *
 * Two phases of `rate` msg/s round-robin over the other agents for `seconds`:
 * without the flood, then with it (the flooder's messages are prepared
 * locally and published in batches of 500, as fast as the node takes them).
 * Printed: the other agents' answer p50/p95 in both phases and their ratio
 * (target: under 2x), what became of the flood (answered, dropped, notices),
 * and the process RSS before and after (worker and clients share the process).
 */
import {
  db,
  finish,
  joinAs,
  latencyMeter,
  mb,
  newIdentity,
  senderDir,
  sleep,
  startLiveAgents,
} from "./live-agents.ts";

const [agents, rate, seconds, flood] = [
  Number(process.argv[2] ?? 100),
  Number(process.argv[3] ?? 10),
  Number(process.argv[4] ?? 20),
  Number(process.argv[5] ?? 10_000),
];
const { modelResponder } = await import("../workers/agents/model-responder.ts");
const { createModelClient } = await import("../lib/llm/index.ts");
const { startScriptedModelServer } = await import("../lib/llm/scripted-server.ts");
const { RATE_NOTICE, BUSY_NOTICE } = await import("../workers/agents/inbox.ts");

const model = await startScriptedModelServer();
const client = createModelClient({ baseURL: model.baseURL, apiKey: "bench", model: "scripted" });
const live = await startLiveAgents(agents, modelResponder(client));

// The flooder is a member the target answers (policy open): the worst case.
const [targetId] = live.agentIds;
await db.agent.update({ where: { id: targetId }, data: { dmPolicy: "open" } });
const target = await db.identity.findFirstOrThrow({ where: { agentId: targetId } });
const flooder = await newIdentity(senderDir);
const floodGroup = await joinAs(flooder, live.invites[0]);
const others = live.groups.slice(1);
const meter = await latencyMeter(live);

global.gc?.();
const rssBefore = process.memoryUsage().rss;
const quiet = await meter.phase(
  `without the flood: ${others.length} agents, ${rate} msg/s for ${seconds} s`,
  others,
  rate,
  seconds,
);

const floodStarted = performance.now();
const flooding = (async () => {
  for (let i = 0; i < flood; i++) {
    await floodGroup.sendText(`flood ${i}`, true);
    if (i % 500 === 499) await floodGroup.publishMessages();
  }
  await floodGroup.publishMessages();
  return (performance.now() - floodStarted) / 1000;
})();
const busy = await meter.phase(
  `with ${flood} messages flooding agent 0: ${others.length} agents, ${rate} msg/s for ${seconds} s`,
  others,
  rate,
  seconds,
);
const floodSeconds = await flooding;
// Every flood message is handled (answered or dropped) once the ledger has them all.
const deadline = performance.now() + 120_000;
let handled = 0;
while (performance.now() < deadline) {
  handled = await db.handledMessage.count({ where: { identityId: target.id } });
  if (handled >= flood) break;
  await sleep(500);
}
const handledSeconds = (performance.now() - floodStarted) / 1000;
global.gc?.();
const rssAfter = process.memoryUsage().rss;

const dropped = await db.handledMessage.count({ where: { identityId: target.id, kind: "dropped" } });
await floodGroup.sync();
const fromTarget = (await floodGroup.messages()).filter(
  (m) => m.senderInboxId === target.inboxId && typeof m.content === "string",
);
const floodAnswers = fromTarget.filter((m) => (m.content as string).startsWith("echo: flood ")).length;
const notices = fromTarget.filter((m) => m.content === RATE_NOTICE || m.content === BUSY_NOTICE).length;
console.log(
  `flood: ${flood} messages published in ${floodSeconds.toFixed(1)} s; ${handled} handled after ${handledSeconds.toFixed(1)} s: ` +
    `${floodAnswers} answered, ${dropped} dropped, ${notices} notice(s)`,
);
console.log(
  `other agents' answer p95: ${quiet.p95.toFixed(0)} ms without the flood, ${busy.p95.toFixed(0)} ms with it ` +
    `(${(busy.p95 / quiet.p95).toFixed(2)}x; target < 2x); unanswered ${quiet.unanswered} / ${busy.unanswered}`,
);
console.log(`RSS: ${mb(rssBefore)} before the flood, ${mb(rssAfter)} after`);
await meter.stop();
await model.close();
await finish(live);
