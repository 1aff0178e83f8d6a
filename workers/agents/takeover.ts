/**
 * Taking an agent's identity over: after a claim (handoff), after a crash or
 * restart (resume), or for a join-claim (join from a fresh identity).
 *
 *   claimed + ready    → lease, reopen, rename the group, publish the agent's
 *                        profile, start the runtime, mark live (+ handoff event)
 *   claimed + live     → the same for an extra `/invite` conversation (renamed
 *                        to the name the operator gave, else the agent's)
 *   live + live        → lease, reopen, start the runtime (resume)
 *   joining (joiner)   → lease (or create the joiner identity), join(url);
 *                        joined → live (+ joined event; for a join-claim the
 *                        invite's creator becomes the operator), else agent
 *                        failed with the reason (timeout is retryable); for
 *                        an extra `/join` only the identity fails
 *
 * A failure releases the lease and sets the identity's lastError and
 * nextAttemptAt (capped exponential backoff), so the polling fallback retries
 * it later without a hot loop; it never takes the worker down.
 */
import type { Logger } from "pino";
import {
  agentProfileUpdate,
  join,
  parseInvite,
  MemberKind,
  profileUpdateCodec,
  sendWithCodec,
  type JoinResult,
} from "@/lib/convos";
import { db } from "@/lib/db";
import {
  backoffMs,
  createJoinerIdentity,
  markAgentLive,
  markExtraJoinFailed,
  markJoinFailed,
  releaseLeases,
  saveJoinerIdentity,
  setFirstOperator,
  takeLease,
  type JoinFailureReason,
  type WorkItem,
} from "@/lib/identities";
import { recordFailure } from "@/lib/pool/events";
import type { SealingKey } from "@/lib/secrets";
import { closeXmtpClient, xmtpEnv } from "@/lib/xmtp";
import { startAgentRuntime, type AgentRuntime } from "./agent-runtime";
import type { ConversationOps } from "./commands";
import type { WorkerEvents } from "./events";
import { newIdentityClient, openIdentityClient, type IdentityClient } from "./identity-client";
import type { Responder } from "./responder";
import type { InFlight } from "./timers";

export interface TakeoverContext {
  workerId: string;
  leaseMs: number;
  joinTimeoutMs: number;
  sealingKey: SealingKey;
  responder: Responder;
  events: WorkerEvents;
  log: Logger;
  inFlight: InFlight;
  signal: AbortSignal;
  /** Runtimes by identity id, owned by the worker. */
  running: Map<string, AgentRuntime>;
  /** What /invite and /join use (conversations.ts). */
  ops: ConversationOps;
  defaultTokenCap?: number;
  thinkingAfterMs?: number;
}

export type TakeoverResult =
  | { status: "live" }
  | { status: "join_failed"; reason: JoinFailureReason; error: string }
  | { status: "failed"; error: string }
  | { status: "skipped" };

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
      // A creator answers a revoked or rotated tag with conversation_expired (spec §6.3).
      return {
        reason: result.error.errorType === "conversation_expired" ? "revoked" : "rejected",
        error: `${result.error.errorType}${result.error.reason ? `: ${result.error.reason}` : ""}`,
      };
  }
}

/**
 * Takes one work item over if its lease can be had (or `leased`: the caller took it); never throws.
 * `groupName` names a claimed group.
 */
export async function takeOver(
  ctx: TakeoverContext,
  item: WorkItem,
  o: { groupName?: string; leased?: boolean } = {},
): Promise<TakeoverResult> {
  if (item.identityId && ctx.running.has(item.identityId)) return { status: "skipped" };
  const started = performance.now();
  let identityId = item.identityId;
  if (identityId === null) identityId = await createJoinerIdentity(item.agentId, ctx.workerId, ctx.leaseMs);
  else if (!o.leased && !(await takeLease(identityId, ctx.workerId, ctx.leaseMs))) identityId = null;
  if (!identityId) return { status: "skipped" };
  const log = ctx.log.child({ agentId: item.agentId, identityId });
  let opened: IdentityClient | undefined;
  try {
    const identity = await db.identity.findUniqueOrThrow({
      where: { id: identityId },
      include: { agent: true },
    });
    const agent = identity.agent;
    if (!agent) throw new Error("identity has no agent");
    const profile = agentProfileUpdate(agent.name);

    const extraJoin =
      identity.role === "joiner" && !identity.isOwnerConversation && identity.status === "joining";
    if (
      identity.role === "joiner" &&
      (agent.status === "joining" || (extraJoin && agent.status === "live"))
    ) {
      if (identity.encryptedWalletKey) opened = await openIdentityClient(ctx.sealingKey, identity);
      else {
        const fresh = await newIdentityClient(ctx.sealingKey);
        await saveJoinerIdentity(identityId, fresh);
        opened = fresh;
      }
      const result = await join(identity.joinUrl ?? agent.joinUrl ?? "", {
        client: opened.client,
        env: xmtpEnv(),
        profile: { name: agent.name, memberKind: MemberKind.Agent },
        timeoutMs: ctx.joinTimeoutMs,
        signal: ctx.signal,
      });
      if (result.status !== "joined") {
        if (ctx.signal.aborted) throw new Error("stopped while joining");
        const { reason, error } = joinFailure(result);
        if (extraJoin) await markExtraJoinFailed(agent.id, identityId, ctx.workerId, reason, error);
        else await markJoinFailed(agent.id, identityId, ctx.workerId, reason, error);
        await releaseLeases(ctx.workerId, [identityId]);
        await closeXmtpClient(opened.client);
        log.warn({ reason, error }, "join failed");
        ctx.events.emit("agent:join_failed", { agentId: agent.id, identityId, reason });
        return { status: "join_failed", reason, error };
      }
      identity.conversationId = result.group.id;
      await db.identity.update({ where: { id: identityId }, data: { conversationId: result.group.id } });
      if (identity.isOwnerConversation) {
        // A join-claim's operator is the creator of the conversation joined (the invite's signer).
        const invite = parseInvite(identity.joinUrl ?? agent.joinUrl ?? "", { env: xmtpEnv() });
        if (invite.ok) await setFirstOperator(agent.id, invite.invite.payload.creatorInboxId);
      }
    } else if (identity.status === "claimed" && (agent.status === "ready" || agent.status === "live")) {
      opened = await openIdentityClient(ctx.sealingKey, identity);
      const group = await opened.client.conversations.getConversationById(identity.conversationId ?? "");
      if (!group || !("updateName" in group)) throw new Error("the warm identity's group is missing");
      await group.updateName(o.groupName ?? agent.name);
      await sendWithCodec(group, profileUpdateCodec, profile);
    } else if (identity.status === "live" && agent.status === "live") {
      opened = await openIdentityClient(ctx.sealingKey, identity);
    } else {
      await releaseLeases(ctx.workerId, [identityId]);
      return { status: "skipped" }; // changed under us (stopped, failed): nothing to run
    }
    if (ctx.signal.aborted) throw new Error("stopped during takeover");

    const runtime = await startAgentRuntime({
      identity: {
        id: identityId,
        role: identity.role,
        conversationId: identity.conversationId ?? "",
        isOwnerConversation: identity.isOwnerConversation,
      },
      agent,
      client: opened.client,
      privateKey: opened.privateKey,
      responder: ctx.responder,
      ops: ctx.ops,
      defaultTokenCap: ctx.defaultTokenCap,
      thinkingAfterMs: ctx.thinkingAfterMs,
      events: ctx.events,
      log,
      inFlight: ctx.inFlight,
      signal: ctx.signal,
    });
    ctx.running.set(identityId, runtime);
    const latencyMs = await markAgentLive(identityId, agent.id, ctx.workerId);
    const durationMs = Math.round(performance.now() - started);
    log.info({ latencyMs, durationMs, resumed: latencyMs === null }, "agent live");
    ctx.events.emit("agent:live", {
      agentId: agent.id,
      identityId,
      latencyMs,
      resumed: latencyMs === null,
      durationMs,
    });
    return { status: "live" };
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    // A started runtime closes the client as it stops; otherwise the client is ours to close.
    const runtime = ctx.running.get(identityId);
    ctx.running.delete(identityId);
    if (runtime) await runtime.stop().catch(() => undefined);
    else if (opened) await closeXmtpClient(opened.client).catch(() => undefined);
    log.warn({ err }, "takeover failed; will retry");
    ctx.events.emit("agent:failed", { agentId: item.agentId, identityId, error });
    try {
      const row = await db.identity.update({
        where: { id: identityId },
        data: { lastError: error.slice(0, 2000), attempts: { increment: 1 } },
        select: { attempts: true },
      });
      await db.identity.updateMany({
        where: { id: identityId },
        data: { nextAttemptAt: new Date(Date.now() + backoffMs(row.attempts)) },
      });
      await releaseLeases(ctx.workerId, [identityId]);
      if (!ctx.signal.aborted)
        await recordFailure({ error, agentId: item.agentId, identityId, workerId: ctx.workerId });
    } catch (dbErr) {
      log.error({ err: dbErr }, "could not record a takeover failure");
    }
    return { status: "failed", error };
  }
}
