/**
 * Stopping agents in the worker. A stop reaches the worker as a NOTIFY on
 * AGENT_STOPPED_CHANNEL, or through the lease heartbeat's check when the
 * notification was missed, or from the agent's own runtime when its
 * conversation ended. Each identity of the agent then winds down: the runtime
 * stops answering, refuses waiting join requests, says one line and leaves
 * (agent-runtime.ts, leave.ts); the identity is retired and the worker lets go
 * of its runtime, client and streams. An identity of a stopped agent that no
 * worker was running (the stop came while none ran) is wound down by the
 * handoff path (`windDownUnowned`), so a stop always ends with the agent gone.
 * Its own OpenRouter key, when it has one, is deleted once it has left (a stop no worker carried out
 * leaves the key to the retention pass, which finds it by name).
 */
import type { Logger } from "pino";
import {
  agentStop,
  goodbyeLine,
  JOIN_REFUSAL,
  recordConversationEnded,
  recordLeft,
  type LeaveOutcome,
  stopForConversation,
} from "@/lib/agents/lifecycle";
import { retireIdentity } from "@/lib/identities/identity-status";
import { catchUpJoinRequests } from "@/lib/convos";
import { agentState } from "@/lib/agents/policy";
import type { HandoffSubject } from "@/lib/identities";
import { PgLedger } from "@/lib/ledger/messages";
import type { Group } from "@xmtp/node-sdk";
import type { AgentRuntime } from "@/workers/agents/runtime/contracts";
import type { WorkerContext } from "@/workers/agents/worker/context";
import type { ConversationEnd } from "@/workers/agents/runtime/conversation-watch";
import { closeXmtpClient } from "@/lib/xmtp";
import { removeClientDatabase } from "@/lib/xmtp/paths";
import { db } from "@/lib/db";
import { retireAgentKey } from "@/lib/providers/openrouter/keys";
import { openRouterSettings } from "@/lib/providers/openrouter/settings";
import { retireStoppedInboxesLogged } from "@/lib/providers/agentmail/inboxes";
import { sayGoodbyeAndLeave } from "./leave";

/** One wind-down per runtime, however many paths (NOTIFY, heartbeat, the runtime itself) ask for it. */
const windingDown = new WeakMap<AgentRuntime, Promise<void>>();

function windDownRuntime(
  ctx: WorkerContext,
  runtime: AgentRuntime,
  line: string | null,
  heirs: string[],
  reason: string,
): Promise<void> {
  let done = windingDown.get(runtime);
  if (!done) {
    done = (async () => {
      const started = performance.now();
      const outcome = await runtime.windDown(line, heirs).catch((err) => {
        ctx.log.warn({ err }, "winding down failed");
        return "gone" as const;
      });
      if (ctx.running.get(runtime.identityId) === runtime) ctx.running.delete(runtime.identityId);
      await retireIdentity(runtime.identityId, ctx.workerId);
      await removeRetiredDatabase(ctx, runtime.identityId);
      await recordLeft(runtime.agentId, runtime.identityId, ctx.workerId, outcome);
      const durationMs = Math.round(performance.now() - started);
      ctx.log.info(
        { agentId: runtime.agentId, identityId: runtime.identityId, reason, durationMs },
        "agent stopped",
      );
      ctx.events.emit("agent:stopped", {
        agentId: runtime.agentId,
        identityId: runtime.identityId,
        reason,
        durationMs,
      });
    })();
    windingDown.set(runtime, done);
  }
  return done;
}

/** Deletes a retired identity's XMTP database (its client closed by the wind-down); a failure is only logged. */
async function removeRetiredDatabase(ctx: WorkerContext, identityId: string): Promise<void> {
  const row = await db.identity.findUnique({
    where: { id: identityId },
    select: { inboxId: true, status: true },
  });
  if (row?.status !== "retired" || !row.inboxId) return;
  const { env, dataDir } = ctx.identities.home;
  await removeClientDatabase(env, row.inboxId, dataDir).catch((err) =>
    ctx.log.warn({ err, identityId }, "removing a retired identity's database failed"),
  );
}

/** Winds down every runtime of a stopped agent that this worker runs; resolves when all are retired. */
export async function stopAgentHere(ctx: WorkerContext, agentId: string): Promise<void> {
  const runtimes = [...ctx.running.values()].filter((r) => r.agentId === agentId);
  if (runtimes.length === 0) return;
  const stop = await agentStop(agentId);
  if (!stop.stopped) return; // restarted meanwhile
  const { operators } = await agentState(agentId);
  const line = goodbyeLine(stop.name, stop.reason);
  await Promise.all(runtimes.map((r) => windDownRuntime(ctx, r, line, operators, stop.reason)));
  await retireModelKey(ctx, agentId);
  retireInboxesAfterStop(ctx);
}

/**
 * Deletes the mail inboxes of stopped agents (this one's, and any an earlier stop failed to delete), off the
 * stop's path: the agent is stopped whatever AgentMail answers; a failure is logged and tried again by the
 * next stop or retention pass.
 */
function retireInboxesAfterStop(ctx: WorkerContext): void {
  const email = ctx.toolSettings.email;
  if (email) void ctx.inFlight.track(retireStoppedInboxesLogged(email, ctx.log));
}

/** Deletes the stopped agent's OpenRouter key; a failure is logged, and the retention pass tries again. */
async function retireModelKey(ctx: WorkerContext, agentId: string): Promise<void> {
  const openRouter = openRouterSettings(ctx.settings);
  if (!openRouter) return;
  await retireAgentKey(openRouter, agentId).then(
    (deleted) => deleted && ctx.log.info({ agentId }, "model key deleted"),
    (err: unknown) =>
      ctx.log.warn({ err, agentId }, "deleting the model key failed; the retention pass retries"),
  );
}

/**
 * The runtime reported that its conversation ended. The owner conversation's end stops the agent (the
 * owner sees why); an extra conversation's end retires only that identity.
 */
export async function conversationEnded(
  ctx: WorkerContext,
  identity: { id: string; agentId: string; isOwnerConversation: boolean },
  reason: ConversationEnd,
): Promise<void> {
  if (identity.isOwnerConversation) {
    await stopForConversation(identity.agentId, identity.id, reason);
    await stopAgentHere(ctx, identity.agentId);
    return;
  }
  await recordConversationEnded(identity.agentId, identity.id, reason);
  const runtime = ctx.running.get(identity.id);
  if (runtime) await windDownRuntime(ctx, runtime, null, [], reason);
}

/**
 * An identity of a stopped agent that nobody runs, leased by this worker: it
 * refuses its waiting join requests, says the agent's last line and leaves
 * (when it had a conversation), and is retired.
 */
export async function windDownUnowned(ctx: WorkerContext, s: HandoffSubject, log: Logger): Promise<void> {
  let outcome: LeaveOutcome = "gone";
  if (
    s.encryptedWalletKey &&
    s.conversationId &&
    (s.status === "live" || s.status === "claimed") &&
    s.agentId
  ) {
    const opened = await ctx.identities.open(s);
    try {
      if (s.role === "creator")
        await catchUpJoinRequests({
          client: opened.client,
          privateKey: opened.privateKey,
          ledger: new PgLedger(s.id),
          closed: () => JOIN_REFUSAL,
        });
      const conversation = await opened.client.conversations.getConversationById(s.conversationId);
      if (conversation && "requestRemoval" in conversation) {
        const stop = await agentStop(s.agentId);
        const { operators } = await agentState(s.agentId);
        outcome = await sayGoodbyeAndLeave(
          conversation as Group<unknown>,
          opened.client.inboxId,
          goodbyeLine(stop.name, stop.reason),
          operators,
          log,
        );
      }
    } finally {
      await closeXmtpClient(opened.client).catch(() => undefined);
    }
  }
  await retireIdentity(s.id, ctx.workerId);
  if (s.agentId && (s.status === "live" || s.status === "claimed"))
    await recordLeft(s.agentId, s.id, ctx.workerId, outcome);
  retireInboxesAfterStop(ctx);
  log.info({ outcome }, "identity of a stopped agent retired");
}
