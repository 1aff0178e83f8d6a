/** Test helpers for the worker: a database, DATA_DIR and MASTER_KEY per test file, the hooks that run workers for a file (withRunningWorker), and readers of a group. */
import type { Group } from "@xmtp/node-sdk";
import pino from "pino";
import { afterAll, beforeAll } from "vitest";
import { joinByInvite, newIdentity, waitFor, type Identity } from "./convos";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { createTestDatabase, type TestDatabase } from "./db";
import type { ModelClientOptions } from "@/lib/llm/client";
import { parseConfig, type Config } from "@/lib/config";
import type { WorkerSettings } from "@/workers/agents/worker/context";
import { modelResponder } from "@/workers/agents/answer/model-responder";
import { startWorker, type RunningWorker, type WorkerOptions } from "@/workers/agents/worker/worker";
import {
  scriptedModelClient,
  startScriptedModelServer,
  type ScriptedModelServer,
} from "./scripted-model-server";
import { tempDir } from "./temp-dir";
import { TEST_MASTER_KEY } from "./worker-process";
import { takeWarmIdentities } from "./warm-identities";
import { texts } from "./xmtp-clients";

export interface WorkerTestEnv {
  t: TestDatabase;
  dataDir: string;
  cleanup(): Promise<void>;
}

export { TEST_MASTER_KEY };
export const quietLog = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

/** Fast loops so a test sees handoffs and lease expiries in a few seconds. */
export const fastOptions = {
  leaseMs: 3_000,
  heartbeatMs: 500,
  pollMs: 500,
  fillIntervalMs: 300,
  sweepMs: 1_000,
  graceMs: 3_000,
  joinTimeoutMs: 30_000,
  logger: quietLog,
};

/**
 * A worker's settings for a test: the environment as it is now (the file's DATA_DIR and MASTER_KEY, set by
 * workerTestEnv) with `overrides`. Built when a worker starts, so a test names its settings instead of
 * writing them into process.env before its imports.
 */
export function testSettings(overrides: Partial<Config> = {}): WorkerSettings {
  return { ...parseConfig(process.env), ...overrides };
}

export async function workerTestEnv(targetIdle: number): Promise<WorkerTestEnv> {
  const t = await createTestDatabase();
  const { dir: dataDir, remove } = tempDir("agents-worker-");
  process.env.DATA_DIR = dataDir;
  process.env.MASTER_KEY = TEST_MASTER_KEY;
  await t.db.poolSetting.create({ data: { id: 1, targetIdle, maxConcurrentCreates: 2 } });
  return {
    t,
    dataDir,
    async cleanup() {
      const { db } = await import("@/lib/db");
      await db.$disconnect();
      await t.drop();
      remove();
    },
  };
}

export interface RunningWorkerTest {
  /** The test file's database (set from beforeAll on). */
  readonly db: TestDatabase["db"];
  /** A temp dir for the file's identities, removed after all. */
  readonly tmp: { dir: string; remove: () => void };
  /** The scripted model server the workers answer with (with the `model` option). */
  readonly model: ScriptedModelServer;
  /** The worker started last, while any runs. */
  readonly worker: RunningWorker | undefined;
  /** Starts another worker with `fastOptions`, the file's `options` and `o`; it is closed after all. */
  start(o?: Partial<WorkerOptions>): Promise<RunningWorker>;
  /** Closes every worker started so far. */
  closeAll(): Promise<void>;
}

/**
 * Registers the hooks of a worker test file: beforeAll makes the environment (pool target `idle`),
 * starts the scripted model server (with `model`), starts a first worker unless
 * `startFirst` is false and waits for the pool at target; afterAll closes the workers, runs `tearDown`,
 * closes the model server, drops the database and removes the temp dir.
 */
export function withRunningWorker(o: {
  idle: number;
  /** Prefix of the temp dir's name. */
  prefix: string;
  /** Workers answer with a scripted model server's model, through a client with these options. */
  model?: Omit<Partial<ModelClientOptions>, "baseURL">;
  /** Options of every worker the file starts. */
  options?: Partial<WorkerOptions>;
  /** Settings of every worker the file starts, over testSettings(); a function is read when a worker starts. */
  settings?: Partial<Config> | (() => Partial<Config>);
  startFirst?: boolean;
  /** How long the first worker may take to fill the pool. */
  poolTimeoutMs?: number;
  tearDown?: () => Promise<void>;
}): RunningWorkerTest {
  let env: WorkerTestEnv | undefined;
  let model: ScriptedModelServer | undefined;
  const workers: RunningWorker[] = [];
  const tmp = tempDir(`${o.prefix}-`);
  const run: RunningWorkerTest = {
    get db() {
      if (!env) throw new Error("the worker test environment is made in beforeAll");
      return env.t.db;
    },
    tmp,
    get model() {
      if (!model) throw new Error("the scripted model server is started in beforeAll, with the model option");
      return model;
    },
    get worker() {
      return workers.at(-1);
    },
    async start(extra = {}) {
      const responder = o.model && modelResponder(scriptedModelClient(run.model, o.model));
      const w = await startWorker({
        settings: testSettings(typeof o.settings === "function" ? o.settings() : o.settings),
        ...fastOptions,
        ...(responder && { responder }),
        ...o.options,
        ...extra,
      });
      workers.push(w);
      return w;
    },
    async closeAll() {
      await Promise.all(workers.splice(0).map((w) => w.close()));
    },
  };
  beforeAll(async () => {
    env = await workerTestEnv(o.idle);
    if (o.model) model = await startScriptedModelServer();
    if (o.startFirst === false) return;
    // From the run's bank when there is one (test/setup/warm-identities.ts): the worker then makes none.
    await takeWarmIdentities(o.idle, env.t.db, env.dataDir);
    await run.start();
    await waitFor(
      "pool at target",
      async () => (await run.db.identity.count({ where: { status: "idle" } })) === o.idle,
      o.poolTimeoutMs ?? 30_000,
    );
  });
  afterAll(async () => {
    const closed = await Promise.allSettled(workers.splice(0).map((w) => w.close()));
    await o.tearDown?.();
    await model?.close();
    await env?.cleanup();
    tmp.remove();
    // A worker that cannot close cleanly fails the file, once everything else is cleaned up.
    const failed = closed.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  });
  return run;
}

/** Joins a conversation through its invite as `who`; fails the test unless joined, saying where its agent stood. */
export async function joinAs(who: Identity, inviteUrl: string): Promise<Group<unknown>> {
  const result = await joinByInvite(who, inviteUrl);
  if (result.status !== "joined")
    throw new Error(`join failed: ${result.status}; ${await agentStateOf(inviteUrl).catch(String)}`);
  return result.group;
}

/** Where the agent behind an invite stands (identity, agent, workers, last events): a failed join's diagnosis. */
async function agentStateOf(inviteUrl: string): Promise<string> {
  const { db } = await import("@/lib/db");
  const identity = await db.identity.findFirst({ where: { inviteUrl }, include: { agent: true } });
  if (!identity) return "no identity has this invite";
  const workers = await db.worker.findMany({
    select: { id: true, homeKey: true, heartbeatAt: true, stoppedAt: true, draining: true, maxAgents: true },
  });
  const events = await db.event.findMany({
    where: { OR: [{ identityId: identity.id }, { agentId: identity.agentId }] },
    orderBy: { id: "desc" },
    take: 5,
    select: { kind: true, error: true, workerId: true, createdAt: true },
  });
  const { status, homeKey, leaseOwner, leaseExpiresAt, attempts, lastError, nextAttemptAt } = identity;
  return JSON.stringify({
    now: new Date(),
    identity: { status, homeKey, leaseOwner, leaseExpiresAt, attempts, lastError, nextAttemptAt },
    agent: identity.agent?.status,
    workers,
    events,
  });
}

export interface LaunchedForTest {
  agentId: string;
  identityId: string;
  /** The inbox id the agent uses in its owner conversation. */
  agentInbox: string;
  inviteUrl: string;
  /** The operator (first to join) and their view of the owner conversation. */
  operator: Identity;
  group: Group<unknown>;
}

/** Claims a warm identity, joins it as a fresh person (who becomes the operator) and waits for the greeting. */
export async function launchAndJoin(
  dir: string,
  name: string,
  instructions: string,
): Promise<LaunchedForTest> {
  const claim = await claimWarmIdentity({ ownerId: null, templateId: null, name, instructions });
  const operator = await newIdentity(dir);
  const group = await joinAs(operator, claim.inviteUrl);
  await waitFor("the greeting", async () =>
    (await texts(group)).some((m) => m.text.startsWith(`Hi, I'm ${name}`)),
  );
  const { db } = await import("@/lib/db");
  const identity = await db.identity.findUniqueOrThrow({ where: { id: claim.identityId } });
  return {
    agentId: claim.agentId,
    identityId: claim.identityId,
    agentInbox: identity.inboxId ?? "",
    inviteUrl: claim.inviteUrl,
    operator,
    group,
  };
}

/** Sends `text` as the holder of `group` and waits for `count` new messages from `agentInbox`; returns their texts. */
export async function ask(
  group: Group<unknown>,
  agentInbox: string,
  text: string,
  count = 1,
  timeoutMs = 20_000,
) {
  const before = (await texts(group)).filter((m) => m.sender === agentInbox).length;
  await group.sendText(text);
  const after = await waitFor(
    `an answer to "${text}"`,
    async () => {
      const mine = (await texts(group)).filter((m) => m.sender === agentInbox);
      return mine.length >= before + count ? mine : null;
    },
    timeoutMs,
    150,
  );
  return after.slice(before).map((m) => m.text);
}
