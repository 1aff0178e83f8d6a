/**
 * An agent's end, as the worker carries it out. A stop is written by the web
 * app (owner: stop; admin: kill) or by the worker itself when the agent's
 * conversation ends (removed, alone, expired); a NOTIFY on AGENT_STOPPED_CHANNEL
 * wakes the worker, and its lease heartbeat finds the stops it missed. For each
 * identity of a stopped agent the worker refuses join requests, says one line,
 * leaves the conversation and retires the identity (its keys wiped, never used
 * again: lib/identities/identity-status.ts). A restart later gives the agent a
 * fresh identity. The status changes themselves are ./agent-status.ts's.
 */
import { cancelAgentSchedules } from "@/lib/schedules/mutations";
import { db } from "@/lib/db";
import { stopAgentRow, type StopReason } from "./agent-status";

export type { StopReason } from "./agent-status";

export const AGENT_STOPPED_CHANNEL = "agent_stopped";

/** The reason join requests get (with the protocol's conversation_expired) once the agent is stopped. */
export const JOIN_REFUSAL = "the agent in this conversation was stopped";

const STOP_TEXT: Record<StopReason, string> = {
  owner: "stopped by its owner",
  admin: "stopped by an admin",
  removed: "removed from its conversation",
  alone: "left alone in its conversation",
  expired: "in a conversation that expired",
  not_added: "never added to a conversation in time",
};

/** What the owner reads on the agent's page, e.g. "stopped by its owner". */
export function stopReasonText(reason: string | null): string {
  return STOP_TEXT[reason as StopReason] ?? "stopped";
}

/** The agent's last line in a conversation, for the reasons where someone is left to read it. */
export function goodbyeLine(agentName: string, reason: StopReason): string | null {
  if (reason === "owner") return `${agentName} was stopped by its owner.`;
  if (reason === "admin") return `${agentName} was stopped by an admin.`;
  return null;
}

/**
 * The worker stops an agent whose owner conversation ended: status, reason and
 * a `stopped` event in one transaction, only if it was still running; true
 * when this call stopped it.
 */
export async function stopForConversation(
  agentId: string,
  identityId: string,
  reason: Exclude<StopReason, "owner" | "admin">,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    if (!(await stopAgentRow(tx, agentId, reason))) return false;
    await cancelAgentSchedules(agentId, tx);
    await tx.event.create({
      data: { kind: "stopped", agentId, identityId, data: { by: "conversation", reason } },
    });
    // The agent's other conversations may run on other workers.
    await tx.$executeRaw`SELECT pg_notify(${AGENT_STOPPED_CHANNEL}, ${agentId})`;
    return true;
  });
}

/** An extra conversation ended: only its identity is retired, with an event on the agent's timeline. */
export async function recordConversationEnded(
  agentId: string,
  identityId: string,
  reason: Exclude<StopReason, "owner" | "admin">,
): Promise<void> {
  await db.event.create({
    data: {
      kind: "stopped",
      agentId,
      identityId,
      data: { by: "conversation", reason, conversation: "extra" },
    },
  });
}

/** What became of one conversation when its identity was retired, on the agent's timeline. */
export type LeaveOutcome = "left" | "alone" | "gone";

/**
 * Records that the worker carried a stop out in one conversation: it left (or found it empty or gone) and
 * retired the identity (its keys wiped). What the agent remembered of that conversation (its memories and
 * summary) is erased with it.
 */
export async function recordLeft(
  agentId: string,
  identityId: string,
  workerId: string,
  outcome: LeaveOutcome,
): Promise<void> {
  const identity = await db.identity.findUnique({
    where: { id: identityId },
    select: { conversationId: true },
  });
  await db.$transaction([
    ...(identity?.conversationId
      ? [
          db.memory.deleteMany({ where: { agentId, conversationId: identity.conversationId } }),
          db.conversationSummary.deleteMany({ where: { agentId, conversationId: identity.conversationId } }),
        ]
      : []),
    db.event.create({
      data: { kind: "stopped", agentId, identityId, workerId, data: { step: "left", outcome } },
    }),
  ]);
}

/** The timeline's words for a `stopped` event: the stop itself (with its reason) or the worker carrying it out. */
export function stoppedEventText(data: unknown): string {
  const d = (data ?? {}) as { step?: string; outcome?: string; reason?: string; conversation?: string };
  if (d.step === "left")
    return d.outcome === "left"
      ? "Left the conversation"
      : "Identity retired (nobody left in the conversation)";
  if (d.conversation === "extra") return `A conversation ended: ${stopReasonText(d.reason ?? null)}`;
  return d.reason ? `Stopped: ${stopReasonText(d.reason)}` : "Stopped";
}

/** The agent's status and why it stopped, as the worker checks it before and after winding down. */
export async function agentStop(
  agentId: string,
): Promise<{ stopped: boolean; reason: StopReason; name: string }> {
  const agent = await db.agent.findUniqueOrThrow({
    where: { id: agentId },
    select: { status: true, stopReason: true, name: true },
  });
  return {
    stopped: agent.status === "stopped",
    reason: (agent.stopReason as StopReason | null) ?? "owner",
    name: agent.name,
  };
}

/** Of these running identities, the agent ids that were stopped meanwhile: the heartbeat's fallback check. */
export async function stoppedAgentsAmong(identityIds: string[]): Promise<string[]> {
  if (identityIds.length === 0) return [];
  const rows = await db.$queryRaw<{ agentId: string }[]>`
    SELECT DISTINCT a.id AS "agentId" FROM "Identity" i JOIN "Agent" a ON a.id = i."agentId"
    WHERE i.id = ANY(${identityIds}) AND (a.status = 'stopped' OR i.status = 'retired')`;
  return rows.map((r) => r.agentId);
}
