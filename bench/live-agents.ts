/**
 * Shared set-up of the agent benchmarks (bench/agents.ts, bench/flood.ts): N
 * live agents in ONE in-process worker (embedded PostgreSQL, a local XMTP node
 * of its own on an ephemeral port), ten sender clients that joined their
 * conversations (each sender is then its agents' operator, so every message
 * is answered), and a meter of answer latency: send → the answer arriving on
 * the sender's stream, at most one unanswered message per conversation.
 */
import { spawn } from "node:child_process";
import { Session } from "node:inspector/promises";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { DecodedMessage, Group } from "@xmtp/node-sdk";
import pg from "pg";
import pino from "pino";
import { discardQueue, pointLocalEnvAt } from "@/lib/xmtp/index.ts";
import { freePort } from "@/scripts/embedded-postgres.ts";
import { startXmtpNode } from "@/workers/xmtp-node/server.ts";
import { benchDatabase } from "./setup.ts";
import { setTimeout as sleep } from "node:timers/promises";

/** The local XMTP node: in this process (default), or in a child process of its own (`nodeProcess`). */
async function startNode(nodeProcess: boolean): Promise<{ url: string; stop(): Promise<unknown> }> {
  if (!nodeProcess) return startXmtpNode({ port: 0, dataDir: null, log: pino({ level: "warn" }) });
  const port = await freePort();
  // The node stands for the XMTP network (other machines): lowest priority, so it takes only spare CPU.
  const child = spawn(
    "nice",
    ["-n", "19", process.execPath, "--import", "tsx", "workers/xmtp-node/main.ts"],
    {
      env: {
        ...process.env,
        XMTP_NODE_PORT: String(port),
        XMTP_NODE_LOG_LEVEL: "warn",
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "bench-node-")),
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((r) =>
      net
        .connect(port, "127.0.0.1")
        .on("connect", function (this: net.Socket) {
          this.end();
          r(true);
        })
        .on("error", () => r(false)),
    );
    if (up) break;
    if (i > 200) throw new Error("the XMTP node process did not start");
    await sleep(100);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((r) => child.once("exit", r).kill("SIGTERM")),
  };
}

let node: { url: string; stop(): Promise<unknown> };
let database: { stop(): Promise<void> };
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-agents-"));
process.env.DATA_DIR = dataDir;
process.env.MASTER_KEY = "bench-master-key-0123456789abcdefghijkl";
const { db } = await import("@/lib/db.ts");
const { joinAsSenders } = await import("./senders.ts");
const { claimWarmIdentity } = await import("@/lib/agents/claim-warm-identity.ts");
const { startWorker } = await import("@/workers/agents/worker/worker.ts");
const { enableAnswerTimeline, takeAnswerTimelines } = await import("@/lib/perf/answer-timeline.ts");
const { parseConfig } = await import("@/lib/config.ts");

type Worker = Awaited<ReturnType<typeof startWorker>>;
type Responder = Parameters<typeof startWorker>[0]["responder"];
export type Sender = Awaited<ReturnType<typeof joinAsSenders>>["senders"][number];

export { db };
/** The node's URL (for a child process that connects to it). */
export const nodeUrl = () => node.url;
export const log = pino({ level: "warn" });
export const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
export const pct = (xs: number[], p: number) =>
  xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const workerOptions = {
  logger: log,
  pollMs: 500,
  fillIntervalMs: 200,
  joinTimeoutMs: 60_000,
  maxConcurrentCreates: 4,
};
export const senderDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-sender-"));

export interface LiveAgents {
  worker: Worker;
  /** The conversations, in claim order (groups[i] is agent i's), as their sender sees them. */
  groups: Group<unknown>[];
  /** Agent ids and their invites, in claim order. */
  agentIds: string[];
  invites: string[];
  senders: Sender[];
  agentInboxes: Set<string | null>;
  /** Stops the worker and starts another with `responder`; resolves once it runs every agent. */
  restartWorker(responder: Responder): Promise<void>;
}

/**
 * Starts the node and the database, fills the pool, claims `agents` agents, and joins each conversation as
 * one of ten senders. `nodeProcess`: the node runs in a child process, as it would on another machine.
 */
export async function startLiveAgents(
  agents: number,
  responder: Responder,
  o: { nodeProcess?: boolean } = {},
): Promise<LiveAgents> {
  // Room for every agent in the one worker, whatever the default cap (WORKER_MAX_AGENTS).
  process.env.WORKER_MAX_AGENTS = String(Math.max(agents, Number(process.env.WORKER_MAX_AGENTS ?? 0)));
  node = await startNode(o.nodeProcess ?? false);
  pointLocalEnvAt(node.url);
  database = await benchDatabase();
  await db.poolSetting.create({ data: { id: 1, targetIdle: agents, maxConcurrentCreates: 4 } });
  const live = {
    worker: await startWorker({ settings: parseConfig(process.env), ...workerOptions, responder }),
  } as LiveAgents;
  let t0 = performance.now();
  while ((await db.identity.count({ where: { status: "idle" } })) < agents) await sleep(250);
  await db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: 0 } });
  console.log(`pool of ${agents} filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const invites: string[] = [];
  live.invites = invites;
  live.agentIds = [];
  for (let i = 0; i < agents; i++) {
    const claim = await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: `Agent ${i}`,
      instructions: "Bench.",
    });
    invites.push(claim.inviteUrl);
    live.agentIds.push(claim.agentId);
  }
  while (live.worker.running().length < agents) await sleep(200);
  live.agentInboxes = new Set(
    (await db.identity.findMany({ where: { agentId: { not: null } }, select: { inboxId: true } })).map(
      (r) => r.inboxId,
    ),
  );
  const count = Math.min(10, agents);
  t0 = performance.now();
  ({ senders: live.senders, groups: live.groups } = await joinAsSenders(invites, count, senderDir));
  console.log(
    `${count} senders joined ${agents} conversations in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await sleep(2_000); // greetings out of the way
  live.restartWorker = async (next) => {
    await live.worker.close();
    live.worker = await startWorker({
      settings: parseConfig(process.env),
      ...workerOptions,
      responder: next,
    });
    while (live.worker.running().length < agents) await sleep(200);
    await sleep(1_000);
  };
  return live;
}

export interface PhaseResult {
  sent: number;
  answered: number;
  unanswered: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * The statements this process sent to PostgreSQL, by text (BENCH_SQL=1): counted at the driver, so what
 * Prisma adds (a BEGIN and COMMIT around a createMany) shows too.
 */
const statements = new Map<string, number>();
if (process.env.BENCH_SQL === "1") {
  const client = pg.Client.prototype as unknown as { query(...args: unknown[]): unknown };
  const query = client.query;
  client.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string } | undefined;
    const text = (typeof q === "string" ? q : (q?.text ?? "?")).replace(/\s+/g, " ").trim().slice(0, 110);
    statements.set(text, (statements.get(text) ?? 0) + 1);
    return query.apply(this, args);
  };
}

function printStatements(label: string): void {
  if (process.env.BENCH_SQL !== "1") return;
  const total = [...statements.values()].reduce((a, b) => a + b, 0);
  const top = [...statements].sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log(
    `  statements, ${label}: ${total}\n${top.map(([t, n]) => `    ${String(n).padStart(5)}  ${t}`).join("\n")}`,
  );
  statements.clear();
}

/** The p50 and p95 of when each step of an answer ended (lib/perf/answer-timeline.ts), in step order. */
function printTimelines(): void {
  const byStep = new Map<string, number[]>();
  for (const timeline of takeAnswerTimelines())
    for (const [step, ms] of timeline) byStep.set(step, [...(byStep.get(step) ?? []), ms]);
  const rows = [...byStep]
    .map(([step, ms]) => ({ step, ms: ms.sort((a, b) => a - b) }))
    .sort((a, b) => pct(a.ms, 50) - pct(b.ms, 50));
  if (rows.length === 0) return;
  console.log(
    `  an answer's steps, ms after it began (p50 / p95):\n` +
      rows
        .map(
          (r) =>
            `    ${r.step.padEnd(28)} ${pct(r.ms, 50).toFixed(0).padStart(5)} / ${pct(r.ms, 95).toFixed(0)}`,
        )
        .join("\n"),
  );
}

/**
 * With BENCH_PROFILE_DIR set, a CPU profile of the process's main thread while a phase runs, written to
 * `<dir>/<phase>.cpuprofile` (open it in Chrome's DevTools, or summarise it with bench/profile-top.ts).
 */
async function startProfile(): Promise<{ stop(label: string): Promise<void> } | undefined> {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop(label) {
      const { profile } = await session.post("Profiler.stop");
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${label.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile: ${file}`);
    },
  };
}

/** Answer latency of `groups` under a steady `rate` (msg/s, round-robin) for `seconds`; prints one line. */
export async function latencyMeter(live: LiveAgents) {
  enableAnswerTimeline();
  const pending = new Map<string, number>(); // conversation id → send time
  const latencies: number[] = [];
  const onValue = (m: DecodedMessage<unknown> | undefined) => {
    if (!m || !live.agentInboxes.has(m.senderInboxId) || typeof m.content !== "string") return;
    const sentAt = pending.get(m.conversationId);
    if (sentAt === undefined || m.content.startsWith("Hi, I'm")) return;
    pending.delete(m.conversationId);
    latencies.push(performance.now() - sentAt);
  };
  const streams = await Promise.all(
    live.senders.map(async (s) =>
      discardQueue(await s.client.conversations.streamAllGroupMessages({ onValue })),
    ),
  );
  return {
    /** `seconds` of traffic, and on while `longer()` says so (e.g. while a flood is still arriving). */
    async phase(
      label: string,
      groups: Group<unknown>[],
      rate: number,
      seconds: number,
      longer: () => boolean = () => false,
    ): Promise<PhaseResult> {
      latencies.length = 0;
      pending.clear();
      global.gc?.();
      takeAnswerTimelines();
      statements.clear();
      const profile = await startProfile();
      const cpu0 = process.cpuUsage();
      const w0 = performance.now();
      let sent = 0;
      let skipped = 0;
      for (let i = 0; i < rate * seconds || longer(); i++) {
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
      await profile?.stop(label);
      const sorted = [...latencies].sort((a, b) => a - b);
      const result = {
        sent,
        answered: sorted.length,
        unanswered: pending.size,
        p50: pct(sorted, 50),
        p95: pct(sorted, 95),
        max: sorted.at(-1) ?? NaN,
      };
      console.log(
        `${label}: ${sent} sent (${skipped} skipped: previous still unanswered), ${result.answered} answered, ${result.unanswered} unanswered; ` +
          `latency p50 ${result.p50.toFixed(0)} ms, p95 ${result.p95.toFixed(0)} ms, max ${result.max.toFixed(0)} ms; ` +
          `${(sorted.length / wall).toFixed(1)} answers/s; CPU ${(((cpu.user + cpu.system) / 1e6 / wall) * 100).toFixed(0)}% of one core; RSS ${mb(process.memoryUsage().rss)}`,
      );
      printTimelines();
      printStatements(label);
      return result;
    },
    /** The process's CPU over `seconds` with no traffic: what the live agents cost at rest. */
    async idle(label: string, seconds: number): Promise<number> {
      global.gc?.();
      statements.clear();
      const profile = await startProfile();
      const cpu0 = process.cpuUsage();
      await sleep(seconds * 1000);
      const cpu = process.cpuUsage(cpu0);
      await profile?.stop(label);
      const pctOfCore = ((cpu.user + cpu.system) / 1e6 / seconds) * 100;
      console.log(`${label}: CPU ${pctOfCore.toFixed(0)}% of one core; RSS ${mb(process.memoryUsage().rss)}`);
      printStatements(label);
      return pctOfCore;
    },
    async stop() {
      await Promise.all(streams.map((st) => st.end()));
    },
  };
}

/** Stops the worker and everything the set-up started, then exits. */
export async function finish(live: LiveAgents): Promise<never> {
  await live.worker.close();
  await db.$disconnect();
  await database.stop();
  await node.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(senderDir, { recursive: true, force: true });
  process.exit(0);
}
