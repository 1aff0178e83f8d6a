/**
 * What takes work into the worker, started after the registry: the pool filler, the retention pass, the
 * schedule firing loop, the polling fallback, the invite requests, the provider events and the NOTIFY
 * listener (claims, stops, invite requests and provider events). The list comes
 * back newest first, the order in which shutdown closes them (worker.ts, step 1).
 */
import {
  findUnownedWork,
  msUntilLapsingLease,
  releaseLeases,
  takePlacedLeases,
  workForAgent,
  type WorkItem,
} from "@/lib/identities";
import { AGENT_STOPPED_CHANNEL } from "@/lib/agents/lifecycle";
import { AGENT_CLAIMED_CHANNEL } from "@/lib/agents/claim-warm-identity";
import { INVITE_REQUESTED_CHANNEL } from "@/lib/invites/requests";
import { PROVIDER_EVENT_CHANNEL } from "@/lib/providers/events";
import { startProviderEvents } from "@/workers/agents/providers/provider-events";
import { startInviteRequests } from "@/workers/agents/invites/invite-requests";
import { startPoolFiller } from "@/workers/agents/pool/warm-pool";
import type { AgentRuntime } from "@/workers/agents/runtime/contracts";
import { startScheduler } from "@/workers/agents/schedules/firing-loop";
import type { WorkerContext } from "./context";
import { startAttestationRenewal } from "./attestation-renewal";
import { startListener } from "./listener";
import { startRetention } from "./retention";
import type { RunningSet } from "./running-set";
import type { StopRequests } from "./stop-requests";
import { repeat } from "./timers";

/** How long after a lease's expiry the poll looks for it, so that it has lapsed by the database's clock too. */
const LAPSE_MARGIN_MS = 50;

/** One part that takes work in; `close()` takes no more and waits for the pass in progress. */
export interface IntakePart {
  name: string;
  close(): Promise<unknown>;
}

export interface IntakeOptions {
  /** The LISTEN connection's database. */
  databaseUrl: string;
  pollMs: number;
  fillPool: boolean;
  fillIntervalMs: number;
  maxConcurrentCreates?: number;
  retentionIntervalMs: number;
  clock: () => Date;
  scheduleTickMs: number;
  scheduleGraceMs: number;
  attestationTickMs: number;
}

/** Where the intake hands its work: the running set (handoffs) and the stop requests. */
export interface IntakeTargets {
  running: RunningSet<AgentRuntime>;
  stops: StopRequests;
}

/** Starts the intake parts, oldest first; returns them newest first. */
export async function startIntake(
  ctx: WorkerContext,
  to: IntakeTargets,
  o: IntakeOptions,
): Promise<IntakePart[]> {
  const { log, homeKey, settings } = ctx;
  const parts: IntakePart[] = [];
  const filler = o.fillPool
    ? startPoolFiller({
        workerId: ctx.workerId,
        leaseMs: ctx.leaseMs,
        intervalMs: o.fillIntervalMs,
        identities: ctx.identities,
        events: ctx.events,
        log,
        inFlight: ctx.inFlight,
        maxConcurrentCreates: o.maxConcurrentCreates,
        homeKey,
        paused: () => to.running.draining,
      })
    : undefined;
  if (filler) parts.unshift({ name: "pool filler", close: () => filler.close() });

  const retention = startRetention({ intervalMs: o.retentionIntervalMs, settings, log });
  parts.unshift({ name: "retention", close: () => retention.close() });

  const scheduler = startScheduler({
    running: to.running.runtimes,
    clock: o.clock,
    tickMs: o.scheduleTickMs,
    graceMs: o.scheduleGraceMs,
    log,
  });
  parts.unshift({ name: "scheduler", close: () => scheduler.close() });

  if (ctx.attestation) {
    const renewal = startAttestationRenewal({
      running: to.running.runtimes,
      clock: ctx.clock,
      tickMs: o.attestationTickMs,
      deadlineMs: ctx.handoffStepMs,
      events: ctx.events,
      log,
    });
    parts.unshift({ name: "attestation renewal", close: () => renewal.close() });
  }

  const poll = startPolling(ctx, to.running, o.pollMs);
  parts.unshift({ name: "polling", close: () => poll.close() });

  const { invites, providerEvents } = startRowRequests(ctx, o.pollMs, parts);

  const listener = await startListener({
    connectionString: o.databaseUrl,
    channels: [
      AGENT_CLAIMED_CHANNEL,
      AGENT_STOPPED_CHANNEL,
      INVITE_REQUESTED_CHANNEL,
      PROVIDER_EVENT_CHANNEL,
    ],
    log,
    onNotify: (agentId, channel) => {
      if (channel === AGENT_STOPPED_CHANNEL) return to.stops.request(agentId);
      if (channel === INVITE_REQUESTED_CHANNEL) return invites.kick();
      if (channel === PROVIDER_EVENT_CHANNEL) return providerEvents.kick();
      filler?.kick();
      if (!to.running.draining) void claimed(ctx, to.running, agentId);
    },
    onReconnect: () => poll.kick(),
  });
  parts.unshift({ name: "listener", close: () => listener.close() });
  return parts;
}

/** The parts that carry out rows others wrote for the agents here: invite requests and provider events. */
function startRowRequests(ctx: WorkerContext, pollMs: number, parts: IntakePart[]) {
  const invites = startInviteRequests(ctx, pollMs);
  parts.unshift({ name: "invite requests", close: () => invites.close() });
  const providerEvents = startProviderEvents(ctx, pollMs);
  parts.unshift({ name: "provider events", close: () => providerEvents.close() });
  return { invites, providerEvents };
}

/** A claim's NOTIFY: hands the agent's identity over when it lives in this worker's home. */
async function claimed(
  ctx: WorkerContext,
  running: RunningSet<AgentRuntime>,
  agentId: string,
): Promise<void> {
  try {
    const item = await workForAgent(agentId, ctx.homeKey);
    if (item) running.dispatch(item);
  } catch (err) {
    ctx.log.warn({ err, agentId }, "reading a claimed agent failed");
  }
}

/**
 * The polling fallback: work nobody holds, every `pollMs`. A lease about to lapse (its worker missed its
 * renewals) is polled for when it lapses, not up to a whole interval later, so the failover of a dead
 * worker's agents starts at their leases' expiry.
 */
function startPolling(ctx: WorkerContext, running: RunningSet<AgentRuntime>, pollMs: number) {
  let atLapse: NodeJS.Timeout | undefined;
  const poll = repeat(
    pollMs,
    async () => {
      if (running.draining) return;
      await dispatchUnowned(ctx, running, await findUnownedWork(500, ctx.homeKey));
      const lapsesInMs = await msUntilLapsingLease(ctx.workerId, pollMs * 1.2);
      clearTimeout(atLapse);
      if (lapsesInMs !== null) atLapse = setTimeout(() => poll.kick(), lapsesInMs + LAPSE_MARGIN_MS);
    },
    (err) => ctx.log.warn({ err }, "polling for work failed"),
    { jitter: 0.2 },
  );
  return {
    kick: () => poll.kick(),
    close: () => {
      clearTimeout(atLapse);
      return poll.close();
    },
  };
}

/**
 * Hands over the unowned work the poll found. The identities' leases are taken first, all that placement
 * allows in one statement (a failover's share at once, lib/identities/placement.ts); the rest is left for
 * the workers whose turn it is. Join-claims without an identity yet are handed over as they are.
 */
async function dispatchUnowned(ctx: WorkerContext, running: RunningSet<AgentRuntime>, items: WorkItem[]) {
  const wanted = items.filter((item) => running.accepts(item));
  const placed = wanted.flatMap((item) => (item.identityId ? [item.identityId] : []));
  const { workerId, homeKey, leaseMs } = ctx;
  const taken = new Set(await takePlacedLeases(placed, { workerId, homeKey, leaseMs }));
  const refused: string[] = [];
  for (const item of wanted) {
    if (!item.identityId) running.dispatch(item);
    else if (taken.has(item.identityId) && !running.dispatch(item, { leased: true }))
      refused.push(item.identityId); // the worker began to drain or close meanwhile
  }
  if (refused.length > 0) await releaseLeases(workerId, refused);
}
