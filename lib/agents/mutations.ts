/**
 * Writes to agents from the web app. Stopping sets the status and records an
 * event, and a NOTIFY at commit tells the worker, which leaves the
 * conversations within seconds (lib/agents/lifecycle.ts). Each change and its
 * event are written in one transaction.
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { AgentStatus } from "@/lib/generated/prisma/enums";
import { PoolEmptyError } from "@/lib/pool/errors";
import { claimIdleIdentityForRestart } from "@/lib/identities/identity-status";
import { restartAgentRow, stopAgentRow } from "./agent-status";
import { AGENT_CLAIMED_CHANNEL } from "./claim-warm-identity";
import { AGENT_STOPPED_CHANNEL } from "./lifecycle";
import { cancelAgentSchedules } from "@/lib/schedules/mutations";
import { isTimeZone } from "./time-zone";
import { greetingValue, type GreetingChoice } from "./greeting";
import { setTimeout as sleep } from "node:timers/promises";

export class AgentNotFoundError extends AppError {
  constructor() {
    super("not_found", "That agent does not exist, or it is not yours.", 404);
  }
}

/** Stops an agent (its owner's: stop; any when `ownerId` is null, for admins: kill); idempotent. */
export async function stopAgent(
  agentId: string,
  by: { ownerId: string | null; actor: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const agent = await tx.agent.findFirst({
      where: { id: agentId, ...(by.ownerId ? { ownerId: by.ownerId } : {}) },
      select: { status: true },
    });
    if (!agent) throw new AgentNotFoundError();
    const reason = by.ownerId ? "owner" : "admin";
    if (!(await stopAgentRow(tx, agentId, reason))) return; // stopped already
    await cancelAgentSchedules(agentId, tx);
    await tx.event.create({
      data: { kind: "stopped", agentId, data: { by: by.actor, from: agent.status, reason } },
    });
    await tx.$executeRaw`SELECT pg_notify(${AGENT_STOPPED_CHANNEL}, ${agentId})`;
  });
}

/** How long a restart waits for a worker still winding the agent down (leaving its conversations). */
const WIND_DOWN_WAIT_MS = 5_000;

/**
 * Admin restart of a stopped or failed agent: hands it back to the worker.
 * If the agent's identity is still there (the stop was not carried out, or a
 * join failed), it is used again. Once a stop is carried out the identity is
 * retired: a launched agent then gets a fresh warm identity (a new
 * conversation, with a new invite), and a joined agent joins its conversation
 * again from a fresh identity through the invite it used. A NOTIFY wakes the
 * worker; the polling fallback picks it up when no worker is running now.
 */
export async function restartAgent(agentId: string, actor: string): Promise<AgentStatus> {
  const deadline = Date.now() + WIND_DOWN_WAIT_MS;
  while (Date.now() < deadline && (await windingDown(agentId))) await sleep(200);
  try {
    return await db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ status: AgentStatus; source: "launch" | "join" | "direct" }[]>`
        SELECT status, source FROM "Agent" WHERE id = ${agentId} FOR UPDATE`;
      const agent = locked[0];
      if (!agent) throw new AgentNotFoundError();
      const current = await tx.identity.count({
        where: { agentId, isOwnerConversation: true, status: { not: "retired" } },
      });
      if (agent.source === "direct" && current === 0)
        throw new AppError(
          "not_restartable",
          "This agent was to be added to a conversation by its inbox id, which is gone: claim a new one.",
          409,
        );
      // Guarded on stopped | failed; the row is locked, so nothing changes it between the two statements.
      const status = await restartAgentRow(
        tx,
        agentId,
        agent.source === "join" ? "join" : "launch",
        current === 0,
      );
      if (!status) throw new AppError("not_stopped", "Only a stopped or failed agent can be restarted.", 409);
      if (agent.source === "launch" && current === 0 && !(await claimIdleIdentityForRestart(tx, agentId)))
        throw new PoolEmptyError();
      await tx.event.create({
        data: { kind: "admin", agentId, data: { action: "restart", by: actor, from: agent.status } },
      });
      await tx.$executeRaw`SELECT pg_notify(${AGENT_CLAIMED_CHANNEL}, ${agentId})`;
      return status;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      throw new AppError(
        "invite_in_use",
        "Another agent has joined through this agent's invite since it stopped, so it cannot be restarted.",
        409,
      );
    throw error;
  }
}

/** True while a worker holds an identity of this stopped agent: it is leaving its conversations. */
async function windingDown(agentId: string): Promise<boolean> {
  const n = await db.identity.count({
    where: {
      agentId,
      status: { not: "retired" },
      agent: { status: "stopped" },
      leaseOwner: { not: null },
      leaseExpiresAt: { gt: new Date() },
    },
  });
  return n > 0;
}

/** Sets the time zone the agent tells time in (its owner's agents only); throws AppError for an unknown zone. */
/** The owner's greeting choice for the agent's next arrivals (./greeting.ts); throws AgentNotFoundError. */
export async function setAgentGreeting(
  agentId: string,
  ownerId: string,
  choice: GreetingChoice,
): Promise<void> {
  const { count } = await db.agent.updateMany({
    where: { id: agentId, ownerId },
    data: { greeting: greetingValue(choice) },
  });
  if (count === 0) throw new AgentNotFoundError();
}

export async function setAgentTimeZone(agentId: string, ownerId: string, timeZone: string): Promise<void> {
  if (!isTimeZone(timeZone))
    throw new AppError(
      "invalid_time_zone",
      `"${timeZone.slice(0, 64)}" is not a time zone (e.g. Europe/Paris).`,
    );
  const { count } = await db.agent.updateMany({ where: { id: agentId, ownerId }, data: { timeZone } });
  if (count === 0) throw new AgentNotFoundError();
}
