/**
 * The handoff: the worker takes a claimed agent's identity over and makes it
 * live. One function per case, chosen from the identity's and the agent's
 * status:
 *
 *   claimed + ready    handOffClaimed: reopen, rename the group, publish the
 *   claimed + live     agent's profile (an extra `/invite` conversation is
 *                      named as the operator asked, else like the agent)
 *   live + live/ready  handOffLive: reopen (after a worker restart, a crash, or
 *                      an admin's restart of an agent whose stop was not carried out);
 *                      a lost database: a new installation that waits to be
 *                      re-added (recover-home.ts)
 *   claimed, waiting   handOffDirectAdd: a direct add (direct-add.ts): wait, holding
 *   to be added        the lease, to be added to a conversation; then name itself
 *                      there and go live; nobody by the deadline: released
 *   joining (joiner)   handOffJoin: create the joiner's keys if needed, join(url);
 *                      joined → live (for an ownerless join-claim the invite's
 *                      creator becomes the operator); else the agent fails with the
 *                      reason (for an extra `/join` only the identity fails)
 *
 *   any + stopped      windDownUnowned (stop.ts): a stop that came while no
 *                      worker ran the identity: leave and retire it
 *
 * Every case leases the identity first and ends in `goLive`: start the
 * runtime, mark live (+ handoff or joined event). Each step that talks to XMTP
 * has a deadline (WORKER_HANDOFF_STEP_MS; the join and the wait to be re-added
 * have their own): a step that hangs fails the handoff instead of holding its
 * lease, renewed by every heartbeat, for as long as the worker lives. A failure releases the lease
 * and sets the identity's lastError and nextAttemptAt (capped exponential
 * backoff), so the polling fallback retries it later without a hot loop; it
 * never takes the worker down.
 */
import type { Logger } from "pino";
import { join, parseInvite, MemberKind, type JoinResult } from "@/lib/convos";
import {
  createJoinerIdentity,
  handoffSubject,
  markAgentLive,
  markHandoffFailed,
  markJoinFailed,
  releaseLeases,
  saveJoinerIdentity,
  setHomeIfUnset,
  setIdentityConversation,
  takePlacedLease,
  type HandoffSubject,
  type JoinFailureReason,
  type WorkItem,
} from "@/lib/identities";
import { setFirstOperator } from "@/lib/agents/policy";
import { LAUNCHED_AGENT_STATUSES } from "@/lib/agents/agent-status";
import { isIn } from "@/lib/transitions";
import { recordFailure } from "@/lib/events/mutations";
import { closeXmtpClient } from "@/lib/xmtp";
import { startAgentRuntime } from "@/workers/agents/runtime/agent-runtime";
import type { AgentRuntime } from "@/workers/agents/runtime/contracts";
import type { WorkerContext } from "@/workers/agents/worker/context";
import { type IdentityClient } from "@/workers/agents/pool/identity-client";
import { xmtpConversation } from "@/workers/agents/answer/conversation";
import { publishAgentProfile } from "@/workers/agents/runtime/agent-profile";
import { noteOperatorName } from "./operator-names";
import { awaitAdd, enterAdded, refuseLaterAdds } from "./direct-add";
import { greetsOnArrival, type Arrival } from "@/lib/agents/greeting";
import { recordFirst } from "@/lib/ledger/messages";
import { greetingFor } from "@/workers/agents/answer/responder";
import { awaitReadd, homeDatabaseLost, openNewInstallation } from "./recover-home";
import { conversationEnded, windDownUnowned } from "@/workers/agents/stop/stop";
import { withDeadline } from "@/lib/deadlines";

export type HandoffResult =
  | { status: "live" }
  | { status: "join_failed"; reason: JoinFailureReason; error: string }
  | { status: "failed"; error: string }
  | { status: "skipped" };

/** An identity with its agent, leased by this worker. */
type Subject = HandoffSubject & { agent: NonNullable<HandoffSubject["agent"]> };

/** How a case ends: an open client to run, or a result (nothing to run). */
type CaseOutcome = { opened: IdentityClient; arrival?: Arrival } | { result: HandoffResult };

function joinFailure(result: Exclude<JoinResult, { status: "joined" }>): {
  reason: JoinFailureReason;
  error: string;
} {
  switch (result.status) {
    case "expired":
      return { reason: "expired", error: result.error.message };
    case "invalid":
      return { reason: "invalid", error: result.error.message };
    case "timed_out":
      return { reason: "timeout", error: "no answer from the conversation's creator" };
    case "rejected":
      // A creator answers a revoked or rotated tag with conversation_expired.
      return {
        reason: result.error.errorType === "conversation_expired" ? "revoked" : "rejected",
        error: `${result.error.errorType}${result.error.reason ? `: ${result.error.reason}` : ""}`,
      };
  }
}

/**
 * One handoff step, in one of the worker's handoff slots and under its step deadline (counted from when
 * the step starts); a late result is cleaned up with `cleanUpLate`.
 */
function step<T>(
  ctx: WorkerContext,
  what: string,
  work: () => Promise<T>,
  cleanUpLate?: (late: T) => unknown,
  o: { last?: boolean } = {},
): Promise<T> {
  return ctx.handoffSlots.run(() => withDeadline(work(), ctx.handoffStepMs, what, cleanUpLate), {
    first: o.last,
  });
}

const closeOpened = (opened: IdentityClient) => closeXmtpClient(opened.client);
const OPENING = "opening the identity's XMTP client";

const isExtraJoin = (s: Subject) => s.role === "joiner" && !s.isOwnerConversation && s.status === "joining";

/** Joins the conversation of a join-claim or an extra `/join`. */
async function handOffJoin(ctx: WorkerContext, s: Subject, log: Logger): Promise<CaseOutcome> {
  const { agent } = s;
  let opened: IdentityClient;
  if (s.encryptedWalletKey) opened = await step(ctx, OPENING, () => ctx.identities.open(s), closeOpened);
  else {
    const fresh = await step(
      ctx,
      "creating the joiner's identity",
      () => ctx.identities.create(),
      closeOpened,
    );
    await saveJoinerIdentity(s.id, fresh);
    opened = fresh;
  }
  const url = s.joinUrl ?? agent.joinUrl ?? "";
  const result = await join(url, {
    client: opened.client,
    env: ctx.identities.home.env,
    profile: { name: agent.name, memberKind: MemberKind.Agent },
    timeoutMs: ctx.joinTimeoutMs,
    signal: ctx.signal,
  });
  if (result.status !== "joined") {
    if (ctx.signal.aborted) throw new Error("stopped while joining");
    const { reason, error } = joinFailure(result);
    await markJoinFailed(agent.id, s.id, ctx.workerId, reason, error, { extra: isExtraJoin(s) });
    await releaseLeases(ctx.workerId, [s.id]);
    await closeXmtpClient(opened.client).catch(() => undefined);
    log.warn({ reason, error }, "join failed");
    ctx.events.emit("agent:join_failed", { agentId: agent.id, identityId: s.id, reason });
    return { result: { status: "join_failed", reason, error } };
  }
  s.conversationId = result.group.id;
  await setIdentityConversation(s.id, result.group.id);
  if (s.isOwnerConversation) {
    // An ownerless join-claim's operator is the creator of the conversation joined (the invite's signer);
    // an owned agent's owner posts the code from its page instead (lib/agents/operators.ts).
    const invite = parseInvite(url, { env: ctx.identities.home.env });
    const creator = invite.ok ? invite.invite.payload.creatorInboxId : null;
    if (creator && (await setFirstOperator(agent.id, creator)))
      await noteOperatorName(xmtpConversation(result.group), agent.id, creator).catch((err) =>
        log.warn({ err }, "reading the operator's name failed"),
      );
  }
  return { opened, arrival: "join" };
}

/** Makes a claimed warm identity's conversation the agent's: its name and the agent's profile. */
async function handOffClaimed(ctx: WorkerContext, s: Subject, groupName?: string): Promise<CaseOutcome> {
  const opened = await step(ctx, OPENING, () => ctx.identities.open(s), closeOpened);
  try {
    await step(ctx, "naming the group and publishing the agent's profile", async () => {
      const group = await opened.client.conversations.getConversationById(s.conversationId ?? "");
      if (!group || !("updateName" in group)) throw new Error("the warm identity's group is missing");
      await group.updateName(groupName ?? s.agent.name);
      await publishAgentProfile(
        ctx,
        { identityId: s.id, inboxId: opened.client.inboxId, group },
        s.agent.name,
      );
    });
    return { opened };
  } catch (err) {
    await closeXmtpClient(opened.client).catch(() => undefined);
    throw err;
  }
}

/**
 * Reopens a live identity nobody runs (after a worker restart, a crash or a lost lease); one whose
 * database is lost gets a new installation and waits to be re-added (recover-home.ts).
 */
async function handOffLive(ctx: WorkerContext, s: Subject, log: Logger): Promise<CaseOutcome> {
  const record = { ...s, agentId: s.agent.id };
  const opened = await step(
    ctx,
    OPENING,
    () => (homeDatabaseLost(ctx, record) ? openNewInstallation(ctx, record, log) : ctx.identities.open(s)),
    closeOpened,
  );
  try {
    if (await awaitReadd(ctx, record, opened.client, log)) return { opened };
  } catch (err) {
    await closeXmtpClient(opened.client).catch(() => undefined);
    throw err;
  }
  // Stopped while it waited: hand it back to the stop's own path (windDownUnowned).
  await closeXmtpClient(opened.client).catch(() => undefined);
  await releaseLeases(ctx.workerId, [s.id]);
  return { result: { status: "skipped" } };
}

/** A direct add (claimed, waiting to be added or just added; never an invite's joiner, which starts `joining`). */
const isDirectAdd = (s: Subject) => s.status === "claimed" && (s.addDeadline !== null || s.role === "joiner");
/** A live identity that was added to its conversation by its inbox id. */
const isDirectAdded = (s: Subject) => s.role === "joiner" && s.joinUrl === null;

/** Waits to be added (direct-add.ts), then publishes the agent's profile in the conversation it was added to. */
async function handOffDirectAdd(ctx: WorkerContext, s: Subject, log: Logger): Promise<CaseOutcome> {
  const opened = await step(ctx, OPENING, () => ctx.identities.open(s), closeOpened);
  try {
    if (s.addDeadline !== null) {
      const outcome = await awaitAdd(ctx, { ...s, agentId: s.agent.id }, opened.client, log);
      if ("ended" in outcome) {
        await closeXmtpClient(opened.client).catch(() => undefined);
        await releaseLeases(ctx.workerId, [s.id]);
        return { result: { status: "skipped" } };
      }
      await enterAdded(ctx, s, outcome.added);
      s.role = "joiner";
      const adder = outcome.added.addedByInboxId;
      log.info({ addedBy: adder }, "added to a conversation");
      // Whoever added an ownerless agent steers it, as the first person to join a launch does.
      if (s.isOwnerConversation && (await setFirstOperator(s.agent.id, adder)))
        await noteOperatorName(xmtpConversation(outcome.added), s.agent.id, adder).catch((err) =>
          log.warn({ err }, "reading the operator's name failed"),
        );
    }
    await step(ctx, "publishing the agent's profile", async () => {
      const group = await opened.client.conversations.getConversationById(s.conversationId ?? "");
      if (!group) throw new Error("the conversation the agent was added to is missing");
      await publishAgentProfile(
        ctx,
        { identityId: s.id, inboxId: opened.client.inboxId, group },
        s.agent.name,
      );
    });
    return { opened, arrival: "direct" };
  } catch (err) {
    await closeXmtpClient(opened.client).catch(() => undefined);
    throw err;
  }
}

/** Greets once on arrival in a joined or added conversation, when the agent's choice says so (lib/agents/greeting.ts). */
async function greetOnArrival(
  s: Subject,
  opened: IdentityClient,
  arrival: Arrival,
  log: Logger,
): Promise<void> {
  if (!greetsOnArrival(s.agent.greeting, arrival)) return;
  if (!(await recordFirst(s.id, "greeting", "greeted"))) return;
  const group = await opened.client.conversations.getConversationById(s.conversationId ?? "");
  await group?.sendText(greetingFor(s.agent));
  log.info({ arrival }, "greeted on arrival");
}

/** The case for an identity and its agent, or null when there is nothing to run (failed, changed under us). */
function handoffCase(s: Subject, groupName?: string) {
  const { agent } = s;
  if (agent.status === "stopped" && s.status !== "retired")
    return async (ctx: WorkerContext, log: Logger): Promise<CaseOutcome> => {
      await windDownUnowned(ctx, s, log);
      return { result: { status: "skipped" } };
    };
  if (s.role === "joiner" && (agent.status === "joining" || (isExtraJoin(s) && agent.status === "live")))
    return (ctx: WorkerContext, log: Logger) => handOffJoin(ctx, s, log);
  if (isDirectAdd(s) && isIn(LAUNCHED_AGENT_STATUSES, agent.status))
    return (ctx: WorkerContext, log: Logger) => handOffDirectAdd(ctx, s, log);
  if (s.status === "claimed" && isIn(LAUNCHED_AGENT_STATUSES, agent.status))
    return (ctx: WorkerContext) => handOffClaimed(ctx, s, groupName);
  if (s.status === "live" && isIn(LAUNCHED_AGENT_STATUSES, agent.status))
    return (ctx: WorkerContext, log: Logger) => handOffLive(ctx, s, log);
  return null;
}

/** A direct-added identity's runtime, refusing (or handing over) its later adds (direct-add.ts). */
function laterAddsRefused(
  ctx: WorkerContext,
  s: Subject,
  opened: IdentityClient,
  runtime: AgentRuntime,
  log: Logger,
): AgentRuntime {
  const handOver = (identityId: string) =>
    void ctx.inFlight.track(handOff(ctx, { agentId: s.agent.id, identityId }, { leased: true }));
  const w = { agentId: s.agent.id, conversationId: s.conversationId ?? "", client: opened.client, handOver };
  return refuseLaterAdds(ctx, w, runtime, log);
}

/** Starts the runtime of an opened identity and marks it (and its agent) live. */
async function goLive(
  ctx: WorkerContext,
  s: Subject,
  opened: IdentityClient,
  log: Logger,
  started: number,
): Promise<HandoffResult> {
  const { agent } = s;
  const starting = () =>
    startAgentRuntime(ctx, {
      identity: {
        id: s.id,
        role: s.role,
        conversationId: s.conversationId ?? "",
        isOwnerConversation: s.isOwnerConversation,
      },
      agent,
      client: opened.client,
      privateKey: opened.privateKey,
      log,
      onConversationEnded: (reason) =>
        void ctx.inFlight.track(
          conversationEnded(
            ctx,
            { id: s.id, agentId: agent.id, isOwnerConversation: s.isOwnerConversation },
            reason,
          ).catch((err) => log.warn({ err, reason }, "stopping after the conversation ended failed")),
        ),
    });
  // The last step goes ahead of other handoffs' first ones (lib/slots.ts): in a failover's burst,
  // each agent answers as soon as its own client is open, not once every client is.
  const runtime = await step(
    ctx,
    "starting the agent's runtime",
    starting,
    (late: AgentRuntime) => late.close(),
    { last: true },
  );
  ctx.running.set(s.id, isDirectAdded(s) ? laterAddsRefused(ctx, s, opened, runtime, log) : runtime);
  const latencyMs = await markAgentLive(s.id, agent.id, ctx.workerId);
  const durationMs = Math.round(performance.now() - started);
  log.info({ latencyMs, durationMs, liveAgain: latencyMs === null }, "agent live");
  ctx.events.emit("agent:live", {
    agentId: agent.id,
    identityId: s.id,
    latencyMs,
    liveAgain: latencyMs === null,
    durationMs,
  });
  return { status: "live" };
}

/**
 * Leases the item's identity (creating a join-claim's joiner identity) where placement allows
 * (lib/identities/placement.ts); null when another worker has it or should take it.
 */
async function lease(ctx: WorkerContext, item: WorkItem, leased: boolean): Promise<string | null> {
  const { workerId, homeKey, leaseMs } = ctx;
  const id = item.identityId ?? (await createJoinerIdentity(item.agentId, workerId, leaseMs));
  if (id === null) return null;
  if (item.identityId === null || leased) {
    // A joiner identity's database is made by this worker: it lives here from now on.
    await setHomeIfUnset(id, homeKey);
    return id;
  }
  return (await takePlacedLease(id, { workerId, homeKey, leaseMs })) ? id : null;
}

/** Records a failed handoff for a later retry; never throws. */
async function handoffFailed(
  ctx: WorkerContext,
  item: WorkItem,
  identityId: string,
  err: unknown,
  log: Logger,
): Promise<HandoffResult> {
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  await ctx.running
    .get(identityId)
    ?.close()
    .catch(() => undefined);
  ctx.running.delete(identityId);
  log.warn({ err }, "handoff failed; will retry");
  ctx.events.emit("agent:failed", { agentId: item.agentId, identityId, error });
  try {
    await markHandoffFailed(identityId, ctx.workerId, error);
    if (!ctx.signal.aborted)
      await recordFailure({ error, agentId: item.agentId, identityId, workerId: ctx.workerId });
  } catch (dbErr) {
    log.error({ err: dbErr }, "could not record a handoff failure");
  }
  return { status: "failed", error };
}

/**
 * Hands one work item over to this worker if its lease can be had (or `leased`: the caller took it);
 * never throws. `groupName` names a claimed group.
 */
export async function handOff(
  ctx: WorkerContext,
  item: WorkItem,
  o: { groupName?: string; leased?: boolean } = {},
): Promise<HandoffResult> {
  if (item.identityId && ctx.running.has(item.identityId)) return { status: "skipped" };
  const started = performance.now();
  // Leasing holds a database connection while it waits for the home's placement lock: one slot bounds it.
  const identityId = await ctx.handoffSlots.run(() => lease(ctx, item, o.leased ?? false));
  if (!identityId) return { status: "skipped" };
  const log = ctx.log.child({ agentId: item.agentId, identityId });
  try {
    const subject = await handoffSubject(identityId);
    if (!subject.agent) throw new Error("identity has no agent");
    const s = subject as Subject;
    const run = handoffCase(s, o.groupName);
    if (!run) {
      await releaseLeases(ctx.workerId, [identityId]);
      return { status: "skipped" }; // changed under us (stopped, failed): nothing to run
    }
    const outcome = await run(ctx, log);
    if ("result" in outcome) return outcome.result;
    try {
      if (ctx.signal.aborted) throw new Error("stopped during the handoff");
      const live = await goLive(ctx, s, outcome.opened, log, started);
      if (outcome.arrival)
        await greetOnArrival(s, outcome.opened, outcome.arrival, log).catch((err) =>
          log.warn({ err }, "greeting on arrival failed"),
        );
      return live;
    } catch (err) {
      // A started runtime closes its client as it stops (handoffFailed stops it); otherwise the client is ours.
      if (!ctx.running.has(identityId)) await closeXmtpClient(outcome.opened.client).catch(() => undefined);
      throw err;
    }
  } catch (err) {
    return handoffFailed(ctx, item, identityId, err, log);
  }
}
