/**
 * Placement: which worker takes an agent. An identity's XMTP database lives in
 * one home (a DATA_DIR, see lib/xmtp/home.ts); only workers of that home may
 * lease it. Among them, a worker takes an agent only while it has room (its
 * WORKER_MAX_AGENTS) and is not ahead of the others:
 *
 *   - below its fair share: ceil(agents of the home that should run / workers
 *     of the home taking agents), so after a failover or a drain every worker
 *     takes its share in one polling round instead of one agent per round; or
 *   - holding no more than the least loaded other worker with room, so a new
 *     claim goes to the least loaded worker and nothing starves when the others
 *     are full.
 *
 * The check and the lease are one UPDATE under a transaction-scoped advisory
 * lock per home, so counts are exact at the moment of each take: every worker
 * gets the NOTIFY of a claim and races for it, and the one allowed wins, with no
 * delay to tune. Loads are counted from unexpired leases (not from the
 * heartbeat's report, which lags); a worker counts while it is up by the one
 * rule of lib/workers/worker-status.ts (heartbeat younger than a lease). A busy
 * worker whose heartbeat comes late still counts (dropping it would raise
 * everyone's fair share and skew the spread), and a dead one stops counting just
 * before its leases expire (they are renewed right after the heartbeat), so its
 * agents are shared among the rest.
 */
import { db } from "@/lib/db";
import { RUNNING_AGENT_STATUSES } from "@/lib/agents/agent-status";
import { ACTIVE_IDENTITY_STATUSES } from "./identity-status";
import { workerIsUpSql } from "@/lib/workers/worker-status";

/** Arbitrary constant naming the placement advisory locks (one per home, keyed by hashtext(homeKey)). */
const PLACEMENT_LOCK_KEY = 7_412_002;

export interface Placement {
  workerId: string;
  homeKey: string;
  leaseMs: number;
}

/**
 * Takes the lease of an identity when it is free or expired, belongs to this worker's home (or to none yet:
 * it then becomes this home's), and placement allows this worker another agent. True when it now holds it.
 */
export async function takePlacedLease(identityId: string, p: Placement): Promise<boolean> {
  return (await takePlacedLeases([identityId], p)).length === 1;
}

/**
 * Takes as many of these identities' leases as placement allows this worker at once, under the rules of
 * takePlacedLease: up to its fair share (a failover's whole share in one statement), else one while it
 * holds no more than the least loaded other worker, never past its room. Returns the ids it now holds.
 * One statement under the home's lock per batch, not one per identity: a failover's hundreds of takes
 * would otherwise queue on that lock one by one, each recounting every worker's load.
 */
export async function takePlacedLeases(identityIds: string[], p: Placement): Promise<string[]> {
  if (identityIds.length === 0) return [];
  // A batch, not an interactive transaction: hundreds of handoffs queue on the lock at once, and an
  // interactive transaction's client-side timeout could fire after the UPDATE committed, leaving a lease
  // its worker never learns it holds (and renews forever). The UPDATE's snapshot is taken after the lock.
  const [, taken] = await db.$transaction([
    db.$executeRaw`SELECT pg_advisory_xact_lock(${PLACEMENT_LOCK_KEY}::int, hashtext(${p.homeKey}))`,
    db.$queryRaw<{ id: string }[]>`
      WITH load AS (
        SELECT w.id, w."maxAgents", w.draining,
          (SELECT count(*) FROM "Identity" i
            WHERE i."leaseOwner" = w.id AND i."agentId" IS NOT NULL AND i."leaseExpiresAt" > now())::int AS held
        FROM "Worker" w
        WHERE w."homeKey" = ${p.homeKey} AND w."stoppedAt" IS NULL
          AND (w.id = ${p.workerId} OR ${workerIsUpSql("w", p.leaseMs)})
      ), me AS (
        SELECT held, "maxAgents" FROM load WHERE id = ${p.workerId} AND NOT draining
      ), demand AS (
        SELECT count(*)::int AS agents FROM "Identity" i JOIN "Agent" a ON a.id = i."agentId"
        WHERE (i."homeKey" = ${p.homeKey} OR i."homeKey" IS NULL)
          AND i.status = ANY(${ACTIVE_IDENTITY_STATUSES}::"IdentityStatus"[])
          AND a.status = ANY(${RUNNING_AGENT_STATUSES}::"AgentStatus"[])
      ), allowed AS (
        -- Room left, and of it: what is below the fair share, or one while no other worker holds fewer.
        SELECT GREATEST(0, LEAST(
          "maxAgents" - held,
          GREATEST(
            (SELECT ceil(agents::numeric / GREATEST(1, (SELECT count(*) FROM load WHERE NOT draining)))
              FROM demand)::int - held,
            CASE WHEN held <= COALESCE(
              (SELECT min(held) FROM load WHERE id <> ${p.workerId} AND NOT draining AND held < "maxAgents"),
              2147483647) THEN 1 ELSE 0 END
          )
        ))::int AS n FROM me
      ), chosen AS (
        SELECT id FROM "Identity"
        WHERE id = ANY(${identityIds}) AND ("leaseOwner" IS NULL OR "leaseExpiresAt" < now())
          AND ("homeKey" IS NULL OR "homeKey" = ${p.homeKey})
        ORDER BY "updatedAt", id
        -- No row in me (draining, or not registered): nothing, not LIMIT NULL (which is no limit).
        LIMIT COALESCE((SELECT n FROM allowed), 0)
      )
      UPDATE "Identity" i SET "leaseOwner" = ${p.workerId},
        "leaseExpiresAt" = now() + ${p.leaseMs}::int * interval '1 millisecond',
        "homeKey" = COALESCE(i."homeKey", ${p.homeKey})
      FROM chosen WHERE i.id = chosen.id
      RETURNING i.id`,
  ]);
  return taken.map((r) => r.id);
}

/**
 * The seam for lost homes: identities of agents that should run whose home no
 * up worker has (every worker of that DATA_DIR is gone). No worker takes them
 * (placement matches homes); what to do about them is the lost-home recovery's call.
 */
export async function identitiesWithoutLiveHome(
  leaseMs?: number,
): Promise<{ id: string; agentId: string; homeKey: string }[]> {
  return db.$queryRaw`
    SELECT i.id, i."agentId", i."homeKey" FROM "Identity" i JOIN "Agent" a ON a.id = i."agentId"
    WHERE i."homeKey" IS NOT NULL
      AND i.status = ANY(${ACTIVE_IDENTITY_STATUSES}::"IdentityStatus"[])
      AND a.status = ANY(${RUNNING_AGENT_STATUSES}::"AgentStatus"[])
      AND NOT EXISTS (
        SELECT 1 FROM "Worker" w WHERE w."homeKey" = i."homeKey" AND ${workerIsUpSql("w", leaseMs)})
    ORDER BY i."updatedAt"`;
}

/** Records this home as the identity's when it has none yet (its XMTP database is about to be made here). */
export async function setHomeIfUnset(identityId: string, homeKey: string): Promise<void> {
  await db.$executeRaw`UPDATE "Identity" SET "homeKey" = ${homeKey} WHERE id = ${identityId} AND "homeKey" IS NULL`;
}
