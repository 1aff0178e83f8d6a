/**
 * The agents worker, in-process: `startWorker(options)` registers the worker,
 * fills the warm pool, hands claimed agents over on NOTIFY (with a polling fallback
 * that also hands over live agents whose lease expired), runs them, and stops
 * them when their owner or an admin does (NOTIFY, with the heartbeat as fallback).
 *
 * Shutdown (`close()`), in the graphile/worker way, in this order:
 *   1. stop taking work: the NOTIFY listener, the polling loop, the pool filler
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
 * the heartbeat) stops intake and hands the agents it runs back one at a time: each
 * runtime finishes its answer in flight, then its lease is released for the others.
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import os from "node:os";
import pino, { type Logger } from "pino";
import { findUnownedWork, releaseLeases, workForAgent, type WorkItem } from "@/lib/identities";
import { abandonProvisioning } from "@/lib/identities/identity-status";
import { DEFAULT_WORKER_LEASE_MS } from "@/lib/workers/worker-status";
import { AGENT_STOPPED_CHANNEL, stoppedAgentsAmong } from "@/lib/agents/lifecycle";
import { AGENT_CLAIMED_CHANNEL } from "@/lib/agents/claim-warm-identity";
import { loadMasterKey, type SealingKey } from "@/lib/secrets";
import { identityClients } from "@/workers/agents/pool/identity-client";
import { toolSettings } from "@/lib/agents/tools";
import { homeKeyOf } from "@/lib/xmtp/home";
import { recordRestartUnderSameId } from "@/lib/supervision/mutations";
import type { AgentRuntime } from "@/workers/agents/runtime/contracts";
import type { WorkerContext, WorkerSettings } from "./context";
import { WorkerEvents } from "./events";
import { startListener } from "./listener";
import { startPoolFiller } from "@/workers/agents/pool/warm-pool";
import { startRegistry } from "./registry";
import { collectWorkerStats } from "./stats";
import { startRetention } from "./retention";
import { conversationOps } from "@/workers/agents/handoff/extra-conversations";
import { defaultResponder } from "@/workers/agents/answer/model-responder";
import type { Responder } from "@/workers/agents/answer/contracts";
import { startScheduler } from "@/workers/agents/schedules/firing-loop";
import { InFlight, repeat, Slots } from "./timers";
import { handOff } from "@/workers/agents/handoff/handoff";
import { stopAgentHere } from "@/workers/agents/stop/stop";
import { setTimeout as sleep } from "node:timers/promises";

export interface WorkerOptions {
  /**
   * The settings, resolved once by the caller (main.ts: `config()`; tests: their own). Nothing below reads
   * the environment: every default here and in the parts comes from this object.
   */
  settings: WorkerSettings;
  workerId?: string;
  /** Default DATABASE_URL (the LISTEN connection; queries use @/lib/db). */
  databaseUrl?: string;
  sealingKey?: SealingKey;
  /** Default: the language model when LLM_API_KEY is set, else the offline responder. */
  responder?: Responder;
  /** Spending cap for agents without their own tokenCap (default LLM_TOKEN_CAP_PER_AGENT; unset = unlimited). */
  defaultTokenCap?: number;
  /** The 👀 reaction shows on answers slower than this (1.5 s). */
  thinkingAfterMs?: number;
  logger?: Logger;
  /** Lease length (30 s), renewed every heartbeat (5 s). */
  leaseMs?: number;
  heartbeatMs?: number;
  /** Polling fallback for claims and resumable agents (3 s). */
  pollMs?: number;
  /** Pool pass period (2 s); claims kick a pass at once. */
  fillIntervalMs?: number;
  /** Stale-lease sweep period, jittered (10 s). */
  sweepMs?: number;
  /** Time in-flight work gets on close before it is aborted (5 s). */
  graceMs?: number;
  joinTimeoutMs?: number;
  /** The longest one handoff step may take before the handoff is retried later (60 s). */
  handoffStepMs?: number;
  /** Handoff steps at once (8). */
  handoffConcurrency?: number;
  /** Keep the warm pool filled (default true). */
  fillPool?: boolean;
  /** Retention pass period (1 h; RETENTION_DAYS sets the age). */
  retentionIntervalMs?: number;
  /** Overrides PoolSetting.maxConcurrentCreates. */
  maxConcurrentCreates?: number;
  /** The scheduler's clock (default: the system's); tests move it. */
  clock?: () => Date;
  /** How often due reminders and schedules are looked for (1 s). */
  scheduleTickMs?: number;
  /** Runs found later than this are skipped (default SCHEDULE_GRACE_MINUTES). */
  scheduleGraceMs?: number;
  /** The most agents this worker runs (default WORKER_MAX_AGENTS). */
  maxAgents?: number;
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

/** Starts a worker in this process; see the module comment for what it guarantees on close. */
export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const settings = o.settings;
  const started = performance.now();
  const id = o.workerId ?? `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const log = (o.logger ?? pino({ name: "agents", level: settings.LOG_LEVEL })).child({
    workerId: id,
  });
  const leaseMs = o.leaseMs ?? DEFAULT_WORKER_LEASE_MS;
  const events = new WorkerEvents(log);
  const stats = collectWorkerStats(events);
  const inFlight = new InFlight();
  const abort = new AbortController();
  // Every answer and join in flight listens on this signal (and removes its listener when done): no fixed bound.
  setMaxListeners(0, abort.signal);
  const running = new Map<string, AgentRuntime>();
  /** What takes work in, newest first: closed first on shutdown (step 1). */
  const intake: { name: string; close(): Promise<unknown> }[] = [];
  const sealingKey =
    o.sealingKey ??
    loadMasterKey({
      env: { MASTER_KEY: settings.MASTER_KEY, NODE_ENV: settings.NODE_ENV },
      dataDir: settings.DATA_DIR,
      log: (l) => log.info(l),
    });
  const databaseUrl = o.databaseUrl ?? settings.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is not set");
  let stopping = false;
  let draining = false;
  const homeKey = o.homeKey ?? homeKeyOf(settings.DATA_DIR);

  const responder = o.responder ?? defaultResponder(settings);
  const ctx: WorkerContext = {
    workerId: id,
    settings,
    toolSettings: toolSettings(settings),
    homeKey,
    leaseMs,
    joinTimeoutMs: o.joinTimeoutMs ?? 60_000,
    handoffStepMs: o.handoffStepMs ?? settings.WORKER_HANDOFF_STEP_MS,
    handoffSlots: new Slots(o.handoffConcurrency ?? settings.WORKER_HANDOFF_CONCURRENCY),
    sealingKey,
    identities: identityClients(sealingKey, { env: settings.XMTP_ENV, dataDir: settings.DATA_DIR }),
    responder,
    events,
    log,
    inFlight,
    signal: abort.signal,
    running,
    ops: conversationOps(() => ctx),
    defaultTokenCap: o.defaultTokenCap ?? settings.LLM_TOKEN_CAP_PER_AGENT,
    thinkingAfterMs: o.thinkingAfterMs ?? 1_500,
  };
  log.info({ responder: responder.usesModel ? "model" : "offline" }, "responder chosen");
  const pending = new Set<string>();
  /**
   * Identities whose handoff ended without a runtime here but whose lease this worker may still hold (a
   * failure whose recording failed too): released now, else at the next heartbeats, because the heartbeat
   * renews every lease the worker holds and would keep such an agent dark for as long as the worker lives.
   */
  const orphans = new Set<string>();
  const releaseOrphans = () => {
    for (const identityId of orphans) {
      if (running.has(identityId) || pending.has(identityId)) {
        orphans.delete(identityId);
        continue;
      }
      void releaseLeases(id, [identityId]).then(
        () => orphans.delete(identityId),
        (err) =>
          log.warn({ err, identityId }, "releasing an unused lease failed; retried at the next heartbeat"),
      );
    }
  };
  const dispatch = (item: WorkItem) => {
    const key = item.identityId ?? item.agentId;
    if (stopping || draining || pending.has(key)) return;
    pending.add(key);
    void inFlight.track(
      handOff(ctx, item).finally(() => {
        pending.delete(key);
        if (item.identityId && !running.has(item.identityId)) {
          orphans.add(item.identityId);
          releaseOrphans();
        }
      }),
    );
  };
  /** Stops of agents this worker runs: on NOTIFY, and from every heartbeat in case a notification was missed. */
  const stoppingAgents = new Set<string>();
  const stopHere = (agentId: string) => {
    if (stoppingAgents.has(agentId)) return;
    stoppingAgents.add(agentId);
    void inFlight.track(
      stopAgentHere(ctx, agentId)
        .catch((err) => log.warn({ err, agentId }, "stopping an agent failed"))
        .finally(() => stoppingAgents.delete(agentId)),
    );
  };
  let checkingStops = false;
  const checkStops = async () => {
    if (checkingStops || stopping || running.size === 0) return;
    checkingStops = true;
    try {
      for (const agentId of await stoppedAgentsAmong([...running.keys()])) stopHere(agentId);
    } catch (err) {
      log.warn({ err }, "checking for stopped agents failed");
    } finally {
      checkingStops = false;
    }
  };

  /** Hands the agents this worker runs back, one at a time, while the admin's drain lasts. */
  let handingBack = false;
  const handBack = async () => {
    if (handingBack) return;
    handingBack = true;
    try {
      for (const [identityId, runtime] of running) {
        if (!draining || stopping) break;
        if (pending.has(identityId) || running.get(identityId) !== runtime) continue;
        running.delete(identityId);
        await runtime.close();
        await releaseLeases(id, [identityId]);
        log.info({ identityId, left: running.size }, "draining: agent handed back");
      }
    } catch (err) {
      log.warn({ err }, "handing an agent back failed; retried on the next heartbeat");
    } finally {
      handingBack = false;
    }
  };

  // One process per worker id: leases still held under this id belong to a predecessor that died (a system
  // supervisor restarting the worker with a fixed WORKER_ID). Hand them back now: the heartbeat would
  // otherwise renew them without running their agents.
  if (await recordRestartUnderSameId(id)) log.warn("the last run under this worker id died; restarted");
  await abandonProvisioning(id);
  const inherited = await releaseLeases(id);
  if (inherited > 0)
    log.info({ released: inherited }, "handed back the leases of a dead worker with this id");

  const registry = await startRegistry({
    workerId: id,
    leaseMs,
    heartbeatMs: o.heartbeatMs ?? 5_000,
    sweepMs: o.sweepMs ?? 10_000,
    log,
    stats: stats.snapshot,
    homeKey,
    maxAgents: o.maxAgents ?? settings.WORKER_MAX_AGENTS,
    liveAgents: () => running.size,
    onDraining: (d) => {
      if (d !== draining) log.info({ draining: d }, d ? "draining: taking no new agents" : "drain ended");
      draining = d;
      if (draining && !stopping) void inFlight.track(handBack());
    },
    onRenewed: (held) => {
      for (const [identityId, runtime] of running) {
        if (held.has(identityId) || pending.has(identityId)) continue;
        // Another worker holds it now (our heartbeat came too late): close its runtime here.
        running.delete(identityId);
        log.warn({ identityId }, "lease lost; closing the agent's runtime here");
        events.emit("lease:lost", { identityId });
        // No handoff here until this client is closed: two clients of one installation must never overlap.
        pending.add(identityId);
        void inFlight.track(
          runtime
            .close()
            .catch((err) => log.warn({ err, identityId }, "closing a runtime whose lease was lost failed"))
            .finally(() => pending.delete(identityId)),
        );
      }
      releaseOrphans();
      void checkStops();
    },
  });

  const filler =
    o.fillPool === false
      ? undefined
      : startPoolFiller({
          workerId: id,
          leaseMs,
          intervalMs: o.fillIntervalMs ?? 2_000,
          identities: ctx.identities,
          events,
          log,
          inFlight,
          maxConcurrentCreates: o.maxConcurrentCreates,
          homeKey,
          paused: () => draining,
        });
  if (filler) intake.unshift({ name: "pool filler", close: () => filler.close() });

  const retention = startRetention({
    intervalMs: o.retentionIntervalMs ?? 60 * 60_000,
    retentionDays: settings.RETENTION_DAYS,
    log,
  });
  intake.unshift({ name: "retention", close: () => retention.close() });

  const scheduler = startScheduler({
    running,
    clock: o.clock ?? (() => new Date()),
    tickMs: o.scheduleTickMs ?? 1_000,
    graceMs: o.scheduleGraceMs ?? settings.SCHEDULE_GRACE_MINUTES * 60_000,
    log,
  });
  intake.unshift({ name: "scheduler", close: () => scheduler.close() });

  const poll = repeat(
    o.pollMs ?? 3_000,
    async () => {
      if (!draining) for (const item of await findUnownedWork(500, homeKey)) dispatch(item);
    },
    (err) => log.warn({ err }, "polling for work failed"),
    { jitter: 0.2 },
  );
  intake.unshift({ name: "polling", close: () => poll.close() });

  const listener = await startListener({
    connectionString: databaseUrl,
    channels: [AGENT_CLAIMED_CHANNEL, AGENT_STOPPED_CHANNEL],
    log,
    onNotify: (agentId, channel) => {
      if (channel === AGENT_STOPPED_CHANNEL) {
        if (!stopping) stopHere(agentId);
        return;
      }
      filler?.kick();
      if (draining) return;
      void workForAgent(agentId, homeKey)
        .then((item) => item && dispatch(item))
        .catch((err) => log.warn({ err, agentId }, "reading a claimed agent failed"));
    },
    onReconnect: () => poll.kick(),
  });
  intake.unshift({ name: "listener", close: () => listener.close() });

  log.info({ durationMs: Math.round(performance.now() - started) }, "worker started");
  events.emit("worker:started", { workerId: id });

  let closed: Promise<void> | undefined;
  const close = async () => {
    const t0 = performance.now();
    stopping = true;
    const graceMs = o.graceMs ?? 5_000;
    // 1. stop taking work, newest first; the registry keeps heartbeating meanwhile.
    for (const part of intake)
      await part.close().catch((err) => log.warn({ err, part: part.name }, "closing failed"));
    // 2. streams end now (queued messages not yet claimed are left to the next owner); in-flight work finishes
    //    within the grace period, then is aborted.
    const runtimesClosed = Promise.allSettled([...running.values()].map((r) => r.close()));
    if (!(await inFlight.drain(graceMs))) {
      log.warn({ inFlight: inFlight.size }, "grace period over; aborting in-flight work");
      abort.abort();
      await inFlight.drain(1_000);
    }
    abort.abort();
    await Promise.race([runtimesClosed, sleep(1_000, undefined, { ref: false })]);
    // 3. runtimes started by handoffs that finished meanwhile close too; hand unfinished work back, release our leases only.
    await Promise.allSettled([...running.values()].map((r) => r.close()));
    running.clear();
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
    events.emit("worker:stopped", { workerId: id, durationMs, released });
  };

  return {
    id,
    events,
    running: () => [...running.keys()],
    close: () => (closed ??= close()),
  };
}
