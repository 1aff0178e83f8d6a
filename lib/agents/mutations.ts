/**
 * Writes to agents from the web app. Stopping only sets the status and records
 * an event; the worker notices and leaves the conversations (workers/agents).
 * Each change and its event are written in one transaction.
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { AgentStatus } from "@/lib/generated/prisma/enums";
import { cancelAgentSchedules } from "@/lib/schedules/mutations";
import { isTimeZone } from "./time-zone";

export class AgentNotFoundError extends AppError {
  constructor() {
    super("not_found", "That agent does not exist, or it is not yours.", 404);
  }
}

/** Stops an agent (its owner's, or any when `ownerId` is null for admins); idempotent. */
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
    if (agent.status === "stopped") return;
    await tx.agent.update({ where: { id: agentId }, data: { status: "stopped", stoppedAt: new Date() } });
    await cancelAgentSchedules(agentId, tx);
    await tx.event.create({ data: { kind: "stopped", agentId, data: { by: by.actor, from: agent.status } } });
  });
}

/**
 * Admin restart: hands the agent back to the worker. A launch agent whose
 * owner conversation identity still exists goes back to `ready`; a join agent
 * back to `joining` (the worker retries the join). A NOTIFY wakes the worker.
 */
export async function restartAgent(agentId: string, actor: string): Promise<AgentStatus> {
  return db.$transaction(async (tx) => {
    const agent = await tx.agent.findUnique({
      where: { id: agentId },
      select: {
        status: true,
        source: true,
        identities: { where: { status: { not: "retired" } }, select: { id: true } },
      },
    });
    if (!agent) throw new AgentNotFoundError();
    if (agent.source === "launch" && agent.identities.length === 0) {
      throw new AppError(
        "cannot_restart",
        "This agent's identity is gone (retired), so it cannot be restarted.",
        409,
      );
    }
    const status: AgentStatus = agent.source === "launch" ? "ready" : "joining";
    await tx.agent.update({ where: { id: agentId }, data: { status, failureReason: null, stoppedAt: null } });
    await tx.event.create({
      data: { kind: "admin", agentId, data: { action: "restart", by: actor, from: agent.status } },
    });
    await tx.$executeRaw`SELECT pg_notify('agent_claimed', ${agentId})`;
    return status;
  });
}

/** Sets the time zone the agent tells time in (its owner's agents only); throws AppError for an unknown zone. */
export async function setAgentTimeZone(agentId: string, ownerId: string, timeZone: string): Promise<void> {
  if (!isTimeZone(timeZone))
    throw new AppError(
      "invalid_time_zone",
      `"${timeZone.slice(0, 64)}" is not a time zone (e.g. Europe/Paris).`,
    );
  const { count } = await db.agent.updateMany({ where: { id: agentId, ownerId }, data: { timeZone } });
  if (count === 0) throw new AgentNotFoundError();
}
