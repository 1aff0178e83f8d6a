/**
 * The agents worker, in-process: `startWorker(options)` registers the worker,
 * fills the warm pool, hands claimed agents over on NOTIFY (with a polling fallback
 * that also hands over live agents whose lease expired), runs them, and carries out
 * their owner's or an admin's stop (NOTIFY, with the heartbeat as fallback).
 *
 * Shutdown (`close()`), in the graphile/worker way, in this order:
 *   1. take no more work: close the NOTIFY listener, the polling loop, the pool filler
 *      (the reverse of their start); the registry keeps heartbeating meanwhile;
 *   2. end the runtimes' streams and wait for in-flight work (messages,
 *      handoffs, identities being created) up to `graceMs`, then abort it
 *      through the AbortSignal;
 *   3. put unfinished identities back in the pool's retry queue and release
 *      only the leases this worker still holds;
 *   4. close the registry (the first thing started): mark the worker stopped.
 *
 * Several workers share the agents through PostgreSQL: each takes only identities
 * of its home (its DATA_DIR) and only while placement allows (lib/identities/placement.ts:
 * room under WORKER_MAX_AGENTS, the least loaded first). An admin's drain (seen on
 * the heartbeat) ends intake and hands the agents it runs back one at a time: each
 * runtime finishes its answer in flight, then its lease is released for the others
 * (running-set.ts).
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import pino, { type Logger } from "pino";
import { releaseLeases } from "@/lib/identities";
import { abandonProvisioning } from "@/lib/identities/identity-status";
import { stoppedAgentsAmong } from "@/lib/agents/lifecycle";
import { loadMasterKey, type SealingKey } from "@/lib/secrets";
import { toolSettings } from "@/lib/agents/tools";
import { homeKeyOf } from "@/lib/xmtp/home";
import { attestationKeys } from "@/lib/attestation/keys";
import { recordRestartUnderSameId } from "@/lib/supervision/mutations";
import { identityClients } from "@/workers/agents/pool/identity-client";
import type { AgentRuntime } from "@/workers/agents/runtime/contracts";
import { conversationOps } from "@/workers/agents/handoff/extra-conversations";
import { handOff } from "@/workers/agents/handoff/handoff";
import { defaultResponder } from "@/workers/agents/answer/model-responder";
import type { Responder } from "@/workers/agents/answer/contracts";
import { stopAgentHere } from "@/workers/agents/stop/stop";
import type { WorkerContext, WorkerSettings } from "./context";
import { WorkerEvents } from "./events";
import { startIntake, type IntakePart } from "./intake";
import { RENEWAL_TICK_MS } from "./attestation-renewal";
import { startRegistry } from "./registry";
import { RunningSet } from "./running-set";
import { collectWorkerStats } from "./stats";
import { reportXmtpReachability } from "./xmtp-reports";
import { StopRequests } from "./stop-requests";
import { Slots } from "@/lib/slots";
import { InFlight } from "./timers";

/**
 * What a caller may set besides the settings. The durations that are also settings (WORKER_LEASE_MS, …)
 * default to them: main.ts passes the settings alone, tests shorten them here (test/worker.ts fastOptions).
 */
export interface WorkerOptions {
  /**
   * The settings, resolved once by the caller (main.ts: `config()`; tests: their own). Nothing below reads
   * the environment: every default here and in the parts comes from this object.
   */
  settings: WorkerSettings;
  /** Default WORKER_ID, else host, pid and a random suffix. */
  workerId?: string;
  sealingKey?: SealingKey;
  /** Default: the language model when LLM_API_KEY is set, else the offline responder. */
  responder?: Responder;
  /** The Convos thinking status shows on answers slower than this (1.5 s). */
  thinkingAfterMs?: number;
  logger?: Logger;
  /** Lease length (WORKER_LEASE_MS, 30 s), renewed every heartbeat (WORKER_HEARTBEAT_MS, 5 s). */
  leaseMs?: number;
  heartbeatMs?: number;
  /** Polling fallback for claims and resumable agents (WORKER_POLL_MS, 3 s). */
  pollMs?: number;
  /** Pool pass period (2 s); claims kick a pass at once. */
  fillIntervalMs?: number;
  /** Stale-lease sweep period, jittered (WORKER_SWEEP_MS, 10 s). */
  sweepMs?: number;
  /** Time in-flight work gets on close before it is aborted (WORKER_GRACE_MS, 5 s). */
  graceMs?: number;
  joinTimeoutMs?: number;
  /** The longest one handoff step may take before the handoff is retried later (WORKER_HANDOFF_STEP_MS). */
  handoffStepMs?: number;
  /** Keep the warm pool filled (default true). */
  fillPool?: boolean;
  /** Retention pass period (1 h; RETENTION_DAYS sets the age). */
  retentionIntervalMs?: number;
  /** Overrides PoolSetting.maxConcurrentCreates. */
  maxConcurrentCreates?: number;
  /** The worker's clock for reminders and attestations (default: the system's); tests move it. */
  clock?: () => Date;
  /** How often due reminders and schedules are looked for (1 s). */
  scheduleTickMs?: number;
  /** How often due attestation renewals are looked for (1 min; attestation-renewal.ts). */
  attestationTickMs?: number;
  /** Default: the id in DATA_DIR/xmtp/home-id (lib/xmtp/home.ts). */
  homeKey?: string;
}

export interface RunningWorker {
  id: string;
  events: WorkerEvents;
  /** Identity ids this worker runs right now. */
  running(): string[];
  /** Graceful shutdown; resolves when everything is released. Safe to call twice. */
  close(): Promise<void>;
}

/** The durations that are also settings: an option over its setting over the default. */
function durations(o: WorkerOptions) {
  const s = o.settings;
  return {
    leaseMs: o.leaseMs ?? s.WORKER_LEASE_MS ?? 30_000,
    heartbeatMs: o.heartbeatMs ?? s.WORKER_HEARTBEAT_MS ?? 5_000,
    pollMs: o.pollMs ?? s.WORKER_POLL_MS ?? 3_000,
    sweepMs: o.sweepMs ?? s.WORKER_SWEEP_MS ?? 10_000,
    graceMs: o.graceMs ?? s.WORKER_GRACE_MS ?? 5_000,
  };
}

/** Everything the worker holds while it runs, for its shutdown. */
interface WorkerParts {
  ctx: WorkerContext;
  abort: AbortController;
  running: RunningSet<AgentRuntime>;
  stops: StopRequests;
}

/** The context the worker's parts share (context.ts), with the running set and the abort behind it. */
function buildWorker(o: WorkerOptions, id: string, log: Logger, leaseMs: number): WorkerParts {
  const { settings } = o;
  const events = new WorkerEvents(log);
  reportXmtpReachability(events, id, log);
  const inFlight = new InFlight();
  const abort = new AbortController();
  // Every answer and join in flight listens on this signal (and removes its listener when done): no fixed bound.
  setMaxListeners(0, abort.signal);
  const sealingKey =
    o.sealingKey ??
    loadMasterKey({
      env: { MASTER_KEY: settings.MASTER_KEY, NODE_ENV: settings.NODE_ENV },
      dataDir: settings.DATA_DIR,
      log: (l) => log.info(l),
    });
  const track = (work: Promise<unknown>) => void inFlight.track(work);
  const running: RunningSet<AgentRuntime> = new RunningSet({
    handOff: (item, leased) => handOff(ctx, item, { leased }),
    releaseLeases: (ids) => releaseLeases(id, ids),
    track,
    onLeaseLost: (identityId) => events.emit("lease:lost", { identityId }),
    log,
  });
  const ctx: WorkerContext = {
    workerId: id,
    settings,
    toolSettings: toolSettings(settings),
    homeKey: o.homeKey ?? homeKeyOf(settings.DATA_DIR),
    leaseMs,
    joinTimeoutMs: o.joinTimeoutMs ?? 60_000,
    handoffStepMs: o.handoffStepMs ?? settings.WORKER_HANDOFF_STEP_MS,
    handoffSlots: new Slots(settings.WORKER_HANDOFF_CONCURRENCY),
    sealingKey,
    identities: identityClients(sealingKey, { env: settings.XMTP_ENV, dataDir: settings.DATA_DIR }),
    responder: o.responder ?? defaultResponder(settings, log, sealingKey),
    events,
    log,
    inFlight,
    signal: abort.signal,
    running: running.runtimes,
    ops: conversationOps(() => ctx),
    defaultTokenCap: settings.LLM_TOKEN_CAP_PER_AGENT,
    thinkingAfterMs: o.thinkingAfterMs ?? 1_500,
    attestation: attestationKeys(settings),
    clock: o.clock ?? (() => new Date()),
  };
  const stops = new StopRequests({
    stopAgent: (agentId) => stopAgentHere(ctx, agentId),
    stoppedAmongRunning: () => stoppedAgentsAmong(running.ids()),
    track,
    log,
  });
  return { ctx, abort, running, stops };
}

/**
 * One process per worker id: leases still held under this id belong to a predecessor that died (a system
 * supervisor restarting the worker with a fixed WORKER_ID). Hands them back: the heartbeat would otherwise
 * renew them without running their agents.
 */
async function handBackPredecessors(id: string, log: Logger): Promise<void> {
  if (await recordRestartUnderSameId(id)) log.warn("the last run under this worker id died; restarted");
  await abandonProvisioning(id);
  const inherited = await releaseLeases(id);
  if (inherited > 0)
    log.info({ released: inherited }, "handed back the leases of a dead worker with this id");
}

/** Starts a worker in this process; see the module comment for what it guarantees on close. */
export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const { settings } = o;
  const started = performance.now();
  const id =
    o.workerId ?? settings.WORKER_ID ?? `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const log = (o.logger ?? pino({ name: "agents", level: settings.LOG_LEVEL })).child({ workerId: id });
  const d = durations(o);
  const databaseUrl = settings.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is not set");
  const w = buildWorker(o, id, log, d.leaseMs);
  const { ctx, running, stops } = w;
  log.info({ responder: ctx.responder.usesModel ? "model" : "offline" }, "responder chosen");
  await handBackPredecessors(id, log);

  const registry = await startRegistry({
    workerId: id,
    leaseMs: d.leaseMs,
    heartbeatMs: d.heartbeatMs,
    sweepMs: d.sweepMs,
    log,
    stats: collectWorkerStats(ctx.events).snapshot,
    homeKey: ctx.homeKey,
    maxAgents: settings.WORKER_MAX_AGENTS,
    liveAgents: () => running.size,
    onDraining: (draining) => running.setDraining(draining),
    onRenewed: (held) => {
      running.leasesRenewed(held);
      void stops.check();
    },
  });
  const intake = await startIntake(ctx, w, {
    databaseUrl,
    pollMs: d.pollMs,
    fillPool: o.fillPool ?? true,
    fillIntervalMs: o.fillIntervalMs ?? 2_000,
    maxConcurrentCreates: o.maxConcurrentCreates,
    retentionIntervalMs: o.retentionIntervalMs ?? 60 * 60_000,
    clock: ctx.clock,
    scheduleTickMs: o.scheduleTickMs ?? 1_000,
    attestationTickMs: o.attestationTickMs ?? RENEWAL_TICK_MS,
    scheduleGraceMs: settings.SCHEDULE_GRACE_MINUTES * 60_000,
  });

  log.info({ durationMs: Math.round(performance.now() - started) }, "worker started");
  ctx.events.emit("worker:started", { workerId: id });
  let closed: Promise<void> | undefined;
  return {
    id,
    events: ctx.events,
    running: () => running.ids(),
    close: () => (closed ??= shutDown(w, intake, registry, d.graceMs)),
  };
}

/** The shutdown of the module comment, steps 1 to 4; never throws. */
async function shutDown(
  w: WorkerParts,
  intake: IntakePart[],
  registry: { close(): Promise<void> },
  graceMs: number,
): Promise<void> {
  const t0 = performance.now();
  const { ctx, abort, running, stops } = w;
  const { log, inFlight, workerId: id } = ctx;
  running.refuseWork();
  stops.close();
  // 1. take no more work: close the intake, newest first; the registry keeps heartbeating meanwhile.
  for (const part of intake)
    await part.close().catch((err) => log.warn({ err, part: part.name }, "closing failed"));
  // 2. streams end now (queued messages not yet claimed are left to the next owner); in-flight work finishes
  //    within the grace period, then is aborted.
  const runtimesClosed = running.close();
  if (!(await inFlight.drain(graceMs))) {
    log.warn({ inFlight: inFlight.size }, "grace period over; aborting in-flight work");
    abort.abort();
    await inFlight.drain(1_000);
  }
  abort.abort();
  await Promise.race([runtimesClosed, sleep(1_000, undefined, { ref: false })]);
  // 3. runtimes started by handoffs that finished meanwhile close too; hand unfinished work back, release our leases only.
  await running.close();
  let released = 0;
  try {
    await abandonProvisioning(id);
    released = await releaseLeases(id);
  } catch (err) {
    log.error({ err }, "releasing leases failed; they will expire");
  }
  // 4. the registry last: it was started first.
  await registry.close().catch((err) => log.warn({ err }, "marking the worker stopped failed"));
  const durationMs = Math.round(performance.now() - t0);
  log.info({ durationMs, released }, "worker stopped");
  ctx.events.emit("worker:stopped", { workerId: id, durationMs, released });
}
