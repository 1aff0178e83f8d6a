/**
 * Identity leases: which worker runs which identity. A lease is an owner and
 * an expiry; the owner renews it with its heartbeat. Taking a lease is one
 * conditional UPDATE (free or expired only), releasing touches only rows the
 * caller still owns, so a late or duplicate worker can never release, or
 * renew, someone else's lease.
 */
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { LAUNCHED_AGENT_STATUSES, RUNNING_AGENT_STATUSES } from "@/lib/agents/agent-status";
import { failStaleProvisioning, insertJoinerIdentity, JOINING_IDENTITY_STATUSES } from "./identity-status";

/** Takes the lease of an identity when it is free or expired; true when this worker now holds it. */
export async function takeLease(identityId: string, workerId: string, leaseMs: number): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE "Identity" SET "leaseOwner" = ${workerId},
      "leaseExpiresAt" = now() + ${leaseMs}::int * interval '1 millisecond'
    WHERE id = ${identityId} AND ("leaseOwner" IS NULL OR "leaseExpiresAt" < now())`;
  return n === 1;
}

/** Extends every lease this worker holds; returns the ids it still holds. */
export async function renewLeases(workerId: string, leaseMs: number): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Identity" SET "leaseExpiresAt" = now() + ${leaseMs}::int * interval '1 millisecond'
    WHERE "leaseOwner" = ${workerId} RETURNING id`;
  return new Set(rows.map((r) => r.id));
}

/** Releases the given leases (all of this worker's when `ids` is omitted), only where this worker still holds them. */
export async function releaseLeases(workerId: string, ids?: string[]): Promise<number> {
  if (ids && ids.length === 0) return 0;
  return ids
    ? db.$executeRaw`UPDATE "Identity" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL
        WHERE "leaseOwner" = ${workerId} AND id = ANY(${ids})`
    : db.$executeRaw`UPDATE "Identity" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL
        WHERE "leaseOwner" = ${workerId}`;
}

/**
 * In how many ms the soonest lease another worker holds expires, when that is within `withinMs` (else
 * null). A live worker renews its leases long before they expire (its heartbeat is a fraction of the
 * lease), so a lease this close to its end belongs to a worker that missed its renewals: dead or stalled.
 * The poll then looks again at that moment rather than up to a whole interval later. Measured on the
 * database's clock, as the expiry is.
 */
export async function msUntilLapsingLease(workerId: string, withinMs: number): Promise<number | null> {
  const rows = await db.$queryRaw<{ ms: number | null }[]>`
    SELECT (EXTRACT(EPOCH FROM min("leaseExpiresAt") - now()) * 1000)::float8 AS ms FROM "Identity"
    WHERE "leaseOwner" IS NOT NULL AND "leaseOwner" <> ${workerId}
      AND "leaseExpiresAt" >= now() AND "leaseExpiresAt" < now() + ${withinMs}::int * interval '1 millisecond'`;
  return rows[0]?.ms ?? null;
}

/**
 * Sweeps expired leases: a provisioning identity whose worker vanished becomes
 * failed (retried from a fresh key); any other expired lease is cleared so the
 * identity shows as unowned. Returns how many rows changed.
 */
export async function sweepStaleLeases(): Promise<number> {
  const failed = await failStaleProvisioning();
  const cleared = await db.$executeRaw`
    UPDATE "Identity" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL
    WHERE "leaseOwner" IS NOT NULL AND "leaseExpiresAt" < now()`;
  return failed + cleared;
}

export interface WorkItem {
  agentId: string;
  /** null: a join-claim that has no identity yet. */
  identityId: string | null;
}

/**
 * Agents that need a worker and whose identity nobody holds: handoffs not yet
 * taken (claimed/ready, or an extra `/invite` conversation of a live agent),
 * live identities to hand off again (after a restart of the worker or of the agent),
 * identities of stopped agents still to wind down, and join-claims (with or without their joiner
 * identity) including an extra `/join` of a live agent. The polling fallback of the NOTIFY path.
 * With `homeKey`, only identities of that home (or of none yet): no other worker can open them.
 */
export async function findUnownedWork(limit = 50, homeKey?: string): Promise<WorkItem[]> {
  const home = homeKey ?? null;
  const leased = await db.$queryRaw<{ agentId: string; identityId: string }[]>`
    SELECT a.id AS "agentId", i.id AS "identityId"
    FROM "Identity" i JOIN "Agent" a ON a.id = i."agentId"
    WHERE ((i.status = 'claimed' AND a.status = ANY(${LAUNCHED_AGENT_STATUSES}::"AgentStatus"[]))
        OR (i.status = 'live' AND a.status = ANY(${LAUNCHED_AGENT_STATUSES}::"AgentStatus"[]))
        OR (i.status <> 'retired' AND a.status = 'stopped')
        OR (i.role = 'joiner' AND i.status = ANY(${JOINING_IDENTITY_STATUSES}::"IdentityStatus"[])
            AND a.status = 'joining')
        OR (i.role = 'joiner' AND i.status = 'joining' AND NOT i."isOwnerConversation" AND a.status = 'live'))
      AND (i."leaseOwner" IS NULL OR i."leaseExpiresAt" < now())
      AND (i."nextAttemptAt" IS NULL OR i."nextAttemptAt" <= now())
      AND (${home}::text IS NULL OR i."homeKey" IS NULL OR i."homeKey" = ${home})
    ORDER BY i."updatedAt" LIMIT ${limit}`;
  const bare = await db.$queryRaw<{ agentId: string }[]>`
    SELECT a.id AS "agentId" FROM "Agent" a
    WHERE a.status = 'joining'
      AND NOT EXISTS (SELECT 1 FROM "Identity" i WHERE i."agentId" = a.id AND i.status <> 'retired')
    ORDER BY a."createdAt" LIMIT ${limit}`;
  return [...leased, ...bare.map((b) => ({ agentId: b.agentId, identityId: null }))];
}

/**
 * The work for one agent id (the NOTIFY path): its identity, or null for a join-claim without one yet.
 * With `homeKey`, nothing when its identity lives in another home.
 */
export async function workForAgent(agentId: string, homeKey?: string): Promise<WorkItem | undefined> {
  const home = homeKey ?? null;
  const items = await db.$queryRaw<{ identityId: string; homeKey: string | null }[]>`
    SELECT i.id AS "identityId", i."homeKey" FROM "Identity" i JOIN "Agent" a ON a.id = i."agentId"
    WHERE a.id = ${agentId} AND a.status = ANY(${RUNNING_AGENT_STATUSES}::"AgentStatus"[]) AND i.status <> 'retired'
    ORDER BY i."isOwnerConversation" DESC, i."createdAt" LIMIT 1`;
  if (items[0]) {
    const other = home !== null && items[0].homeKey !== null && items[0].homeKey !== home;
    return other ? undefined : { agentId, identityId: items[0].identityId };
  }
  const agent = await db.agent.findUnique({ where: { id: agentId }, select: { status: true } });
  return agent?.status === "joining" ? { agentId, identityId: null } : undefined;
}

/**
 * Creates the joiner identity of a join-claim, leased to `workerId`, unless
 * another worker got there first (the agent row is locked, SKIP LOCKED, and
 * checked for an identity in the same transaction). Returns its id or null.
 */
export async function createJoinerIdentity(
  agentId: string,
  workerId: string,
  leaseMs: number,
): Promise<string | null> {
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ joinUrl: string | null }[]>`
      SELECT "joinUrl" FROM "Agent" WHERE id = ${agentId} AND status = 'joining' FOR UPDATE SKIP LOCKED`;
    if (!locked[0]?.joinUrl) return null;
    // A restarted join agent's earlier identities are retired: only a current one counts.
    if ((await tx.identity.count({ where: { agentId, status: { not: "retired" } } })) > 0) return null;
    const id = randomUUID();
    const joinUrl = locked[0].joinUrl;
    await insertJoinerIdentity(tx, { id, agentId, joinUrl, ownerConversation: true, workerId, leaseMs });
    return id;
  });
}
