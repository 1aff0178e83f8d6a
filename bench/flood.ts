/**
 * `npx tsx bench/flood.ts [agents=100] [rate=10] [seconds=20] [flood=10000] [texts|receipts]`:
 * one sender floods one agent with `flood` texts (or read receipts) while the
 * other agents get normal traffic, all in ONE in-process worker (set-up in
 * bench/live-agents.ts; the scripted model on loopback answers, so the
 * spending path runs too).
 *
 * Read receipts ask for no answer but cost the worker's thread as much as
 * texts when the stream reads them (about 1 ms each): with `receipts`, the
 * flood is of those, and what is printed is the same but for the ledger
 * (receipts leave no row): the flood counts as handled once the flooded
 * agent has gone a pause's length (AGENT_FLOOD_PAUSE_MS) and a second
 * without pausing again.
 *
 * Three phases of `rate` msg/s round-robin over the other agents: without the
 * flood, with it (for `seconds` and on until the flood is all published: the
 * flooder's messages are prepared locally and published in batches of 500, as
 * fast as the node takes them, from another process), and without it again (the machine's own load
 * drifts; two quiet phases bracket it). Printed: the other agents' answer
 * p50/p95 per phase and the ratio (target: under 2x), how busy the process's
 * main thread was per phase (event loop utilization), what became of the flood
 * (answered, dropped, notices, how often the flooded agent paused its reading:
 * AGENT_FLOOD_PAUSE_MS), and the RSS of the worker's process before and
 * after (the senders share it; the node and the flooder run in processes of
 * their own, bench/flood-sender.ts, as they would on other machines; the node
 * runs at nice 19 and the flooder under SCHED_IDLE, so on a small machine the
 * flooder's own encryption, which belongs to someone else's phone, takes only
 * CPU that nothing else wants).
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { db, finish, latencyMeter, mb, nodeUrl, senderDir, startLiveAgents } from "./live-agents.ts";

const [agents, rate, seconds, flood] = [
  Number(process.argv[2] ?? 100),
  Number(process.argv[3] ?? 10),
  Number(process.argv[4] ?? 20),
  Number(process.argv[5] ?? 10_000),
];
const receipts = process.argv[6] === "receipts";
const floodOf = receipts ? "read receipts" : "messages";
const { modelResponder } = await import("@/workers/agents/answer/model-responder.ts");
const { createModelClient } = await import("@/lib/llm/index.ts");
const { startScriptedModelServer } = await import("@/test/scripted-model-server.ts");

const model = await startScriptedModelServer();
const client = createModelClient({ baseURL: model.baseURL, apiKey: "bench", model: "scripted" });
const live = await startLiveAgents(agents - 1, modelResponder(client), { nodeProcess: true });

// The target: one more agent, whose only member besides the agent is the flooder (its first joiner, so its
// operator: every message would be answered, the worst case). No client of this process is in that
// conversation, so the flood costs this process only what it costs the worker.
const { claimWarmIdentity } = await import("@/lib/agents/claim-warm-identity.ts");
await db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: 1 } });
while ((await db.identity.count({ where: { status: "idle" } })) < 1) await sleep(200);
await db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: 0 } });
const targetClaim = await claimWarmIdentity({
  ownerId: null,
  templateId: null,
  name: "Flooded",
  instructions: "Bench.",
});
while (!live.worker.running().includes(targetClaim.identityId)) await sleep(200);
const target = await db.identity.findUniqueOrThrow({ where: { id: targetClaim.identityId } });
// The flooder stands for someone else's machine: SCHED_IDLE, the lowest class Linux has, runs it only on
// CPU nothing else wants (nice 19 still took a share from the node that passes the other agents' messages).
const flooder = spawn(
  "chrt",
  [
    "--idle",
    "0",
    process.execPath,
    "--import",
    "tsx",
    "bench/flood-sender.ts",
    nodeUrl(),
    targetClaim.inviteUrl,
    String(flood),
    senderDir,
    receipts ? "receipts" : "texts",
  ],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const flooderSays = readline.createInterface({ input: flooder.stdout! });
const nextLine = () => new Promise<string>((r) => flooderSays.once("line", r));
if ((await nextLine()) !== "joined") throw new Error("the flooder did not join");
let pauses = 0;
let lastPause = 0;
live.worker.events.on("agent:reading_paused", () => {
  pauses++;
  lastPause = performance.now();
});
const others = live.groups;
const meter = await latencyMeter(live);
const label = (when: string) => `${when}: ${others.length} agents, ${rate} msg/s`;

global.gc?.();
const rssBefore = process.memoryUsage().rss;
// How busy the process's main thread was in each phase (the worker, and the senders' steady traffic).
const busy = async <T>(phase: () => Promise<T>): Promise<T & { busy: number }> => {
  const start = performance.eventLoopUtilization();
  const result = await phase();
  return { ...result, busy: performance.eventLoopUtilization(start).utilization };
};
const before = await busy(() => meter.phase(label("before the flood"), others, rate, seconds));

const floodStarted = performance.now();
let published = false;
const flooding = nextLine().then((line) => {
  published = true;
  return Number(line.split(" ")[1]);
});
flooder.stdin!.write("go\n");
const during = await busy(() =>
  meter.phase(
    label(`during a flood of ${flood} ${floodOf} at another agent`),
    others,
    rate,
    seconds,
    () => !published,
  ),
);
const floodSeconds = await flooding;
// Every flood message is handled (answered or dropped) once the ledger has them all; receipts leave no
// row: they are handled once the agent reads live again without pausing.
const { config } = await import("@/lib/config.ts");
const deadline = performance.now() + 120_000;
let handled = 0;
while (performance.now() < deadline) {
  if (receipts) {
    if (performance.now() - lastPause > config().AGENT_FLOOD_PAUSE_MS + 1_000) break;
  } else {
    handled = await db.handledMessage.count({ where: { identityId: target.id } });
    if (handled >= flood) break;
  }
  await sleep(500);
}
const handledSeconds = (performance.now() - floodStarted) / 1000;
global.gc?.();
const rssAfter = process.memoryUsage().rss;
const after = await busy(() => meter.phase(label("after the flood"), others, rate, seconds));

const dropped = await db.handledMessage.count({ where: { identityId: target.id, kind: "dropped" } });
flooder.stdin!.write("count\n");
const [, floodAnswers, , notices] = (await nextLine()).split(" ");
console.log(
  receipts
    ? `flood: ${flood} read receipts published in ${floodSeconds.toFixed(1)} s; read after ${handledSeconds.toFixed(1)} s; ` +
        `${floodAnswers} answered, ${notices} notice(s); the agent's reading paused ${pauses} time(s)`
    : `flood: ${flood} messages published in ${floodSeconds.toFixed(1)} s; ${handled} handled after ${handledSeconds.toFixed(1)} s: ` +
        `${floodAnswers} answered, ${dropped} dropped, ${notices} notice(s); the agent's reading paused ${pauses} time(s)`,
);
const ratio = (quiet: number) => (during.p95 / quiet).toFixed(2);
console.log(
  `other agents' answer p95: ${before.p95.toFixed(0)} ms before the flood, ${during.p95.toFixed(0)} ms during it, ` +
    `${after.p95.toFixed(0)} ms after: ${ratio(before.p95)}x / ${ratio(after.p95)}x (target < 2x); ` +
    `unanswered ${before.unanswered} / ${during.unanswered} / ${after.unanswered}`,
);
const percent = (x: number) => `${(x * 100).toFixed(0)}%`;
console.log(
  `main thread busy (event loop utilization): ${percent(before.busy)} before the flood, ${percent(during.busy)} during it, ${percent(after.busy)} after`,
);
console.log(`RSS: ${mb(rssBefore)} before the flood, ${mb(rssAfter)} after it was handled`);
await meter.stop();
await model.close();
await finish(live);
