/**
 * Claim limits, read from PoolSetting: a user may claim at
 * most `claimsPerUserPerHour` agents per hour (claim events of agents they
 * own) and own at most `liveAgentsPerUser` agents that are ready, joining or
 * live; API claims (agents with no owner) share `apiClaimsPerHour`.
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getPoolSettings } from "@/lib/pool/settings";

const HOUR_MS = 60 * 60 * 1000;

export class RateLimitedError extends AppError {
  constructor(message: string) {
    super("rate_limited", message, 429);
  }
}

/** Throws RateLimitedError when the user is over a limit; returns nothing otherwise. */
export async function assertUserMayClaim(userId: string, now = new Date()): Promise<void> {
  const since = new Date(now.getTime() - HOUR_MS);
  const [settings, claims, active] = await Promise.all([
    getPoolSettings(),
    db.event.count({ where: { kind: "claim", createdAt: { gte: since }, agent: { ownerId: userId } } }),
    db.agent.count({ where: { ownerId: userId, status: { in: ["ready", "joining", "live"] } } }),
  ]);
  if (claims >= settings.claimsPerUserPerHour) {
    throw new RateLimitedError(
      `You have launched ${claims} agents in the last hour, the most allowed (${settings.claimsPerUserPerHour}). Please try again later.`,
    );
  }
  if (active >= settings.liveAgentsPerUser) {
    throw new RateLimitedError(
      `You already have ${active} running agents, the most allowed (${settings.liveAgentsPerUser}). Stop one on My agents first.`,
    );
  }
}

/** Throws RateLimitedError when API claims (agents without an owner) reached apiClaimsPerHour in the last hour. */
export async function assertApiMayClaim(now = new Date()): Promise<void> {
  const since = new Date(now.getTime() - HOUR_MS);
  const [settings, claims] = await Promise.all([
    getPoolSettings(),
    db.event.count({ where: { kind: "claim", createdAt: { gte: since }, agent: { ownerId: null } } }),
  ]);
  if (claims >= settings.apiClaimsPerHour) {
    throw new RateLimitedError(
      `The API key has made ${claims} claims in the last hour, the most allowed. Try again later.`,
    );
  }
}
