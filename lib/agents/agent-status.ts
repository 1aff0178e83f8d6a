/**
 * An agent's status, owned here: every change of `Agent.status` is one of the
 * named transitions below, each an UPDATE guarded on the statuses it leaves,
 * so a repeated, late or racing call changes nothing (and says so).
 *
 *   (new) → ready              a launch: the claim's one statement (claim-warm-identity.ts)
 *   (new) → joining            a join-claim (join-claim.ts)
 *   ready, joining → live      its conversation runs: the handoff or the join succeeded
 *   joining → failed           the join was refused, expired or timed out
 *   ready, joining, live, failed → stopped   its owner or an admin stopped it
 *   ready, joining, live → stopped           its conversation ended (removed, alone, expired), or a
 *                                            direct add was never made (not_added)
 *   stopped, failed → ready | joining        an admin restarted it (a launch | a join)
 *
 * The two inserts are clauses of bigger statements; they take their status
 * from this table. lib/transitions.test.ts holds the table to this list and
 * checks that no other module writes an agent's status.
 */
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { AgentStatus } from "@/lib/generated/prisma/enums";
import { freeAgentNumbers } from "@/lib/providers/telnyx/pool";
import { NEW, type TransitionTable } from "@/lib/transitions";

/** An agent that should be running: a worker hands it off, joins for it or runs it (claim limits count these). */
export const RUNNING_AGENT_STATUSES = ["ready", "joining", "live"] as const satisfies AgentStatus[];

/** A launched agent whose conversations run or are about to: a claimed identity of it is handed off. */
export const LAUNCHED_AGENT_STATUSES = ["ready", "live"] as const satisfies AgentStatus[];

export const AGENT_TRANSITIONS = {
  launch: { from: [NEW], to: "ready" },
  joinClaim: { from: [NEW], to: "joining" },
  goLive: { from: ["ready", "joining"], to: "live" },
  failJoin: { from: ["joining"], to: "failed" },
  stopByPerson: { from: ["ready", "joining", "live", "failed"], to: "stopped" },
  stopForConversation: { from: RUNNING_AGENT_STATUSES, to: "stopped" },
  restartLaunch: { from: ["stopped", "failed"], to: "ready" },
  restartJoin: { from: ["stopped", "failed"], to: "joining" },
} as const satisfies TransitionTable<AgentStatus>;

type Tx = Prisma.TransactionClient;

/** Why an agent stopped. The first two are people; the others are its conversation ending. */
export type StopReason = "owner" | "admin" | "removed" | "alone" | "expired" | "not_added";

/**
 * → stopped, with its reason: by a person (owner, admin) from any status but stopped, by its conversation
 * ending only while it runs. True when this call stopped it.
 */
export async function stopAgentRow(tx: Tx, agentId: string, reason: StopReason): Promise<boolean> {
  const by = reason === "owner" || reason === "admin" ? "stopByPerson" : "stopForConversation";
  const { count } = await tx.agent.updateMany({
    where: { id: agentId, status: { in: [...AGENT_TRANSITIONS[by].from] } },
    data: { status: AGENT_TRANSITIONS[by].to, stopReason: reason, stoppedAt: new Date() },
  });
  // Its phone number goes back to our pool in the same transaction (never released to Telnyx).
  await freeAgentNumbers(tx, agentId);
  return count === 1;
}

/** ready | joining → live at `liveAt`; false when it was not waiting to go live (live already, stopped). */
export async function markAgentRowLive(tx: Tx, agentId: string, liveAt: Date): Promise<boolean> {
  const { count } = await tx.agent.updateMany({
    where: { id: agentId, status: { in: [...AGENT_TRANSITIONS.goLive.from] } },
    data: { status: AGENT_TRANSITIONS.goLive.to, liveAt, failureReason: null },
  });
  return count === 1;
}

/** joining → failed with the reason; a batch step (no await), for markJoinFailed's transaction. */
export function failJoiningAgent(agentId: string, reason: string): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return db.agent.updateMany({
    where: { id: agentId, status: { in: [...AGENT_TRANSITIONS.failJoin.from] } },
    data: { status: AGENT_TRANSITIONS.failJoin.to, failureReason: reason },
  });
}

/**
 * stopped | failed → ready (a launch) or joining (a join), as a new claim: the handoff's latency is
 * measured from now. `fresh`: it runs from a new identity, so it has no first joiner and no operators yet.
 * Returns the new status, or null when the agent was neither stopped nor failed.
 */
export async function restartAgentRow(
  tx: Tx,
  agentId: string,
  source: "launch" | "join",
  fresh: boolean,
): Promise<AgentStatus | null> {
  const to = source === "launch" ? AGENT_TRANSITIONS.restartLaunch : AGENT_TRANSITIONS.restartJoin;
  const { count } = await tx.agent.updateMany({
    where: { id: agentId, status: { in: [...to.from] } },
    data: {
      status: to.to,
      failureReason: null,
      stopReason: null,
      stoppedAt: null,
      claimedAt: new Date(),
      ...(fresh ? { firstJoinedAt: null, operators: [] } : {}),
    },
  });
  return count === 1 ? to.to : null;
}
