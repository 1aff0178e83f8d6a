/**
 * A worker's state, owned here: its row is registered (`running`), heartbeats while it runs, and is
 * marked `stopped` when it stops or the run command saw it die. An admin's drain is a flag on top: a
 * draining worker takes no new agents and hands the ones it runs to the other workers of its home.
 *
 * "A worker is up" has ONE rule, used by /api/health, /admin, the claim's choice of identity and
 * placement: not stopped, and heartbeated within a lease length (WORKER_LEASE_MS). A worker renews
 * its leases right after each heartbeat, so one whose heartbeat is older than a lease has lost its
 * leases and runs nothing any more: other workers take its agents, and a claim should not prefer its
 * home. A shorter window would call a busy worker with a late heartbeat down while it still holds
 * its agents (placement would then raise everyone's fair share); a longer one (the claim's old
 * 1 minute) would keep sending claims to a home nobody runs.
 */
import os from "node:os";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { WorkerStats } from "@/lib/metrics/worker-stats";
import { NEW, type TransitionTable } from "@/lib/transitions";

/** The lease length a worker uses when WORKER_LEASE_MS is unset. */
export const DEFAULT_WORKER_LEASE_MS = 30_000;

/** The lease length of this deployment's workers (WORKER_LEASE_MS), for readers outside the worker. */
export function workerLeaseMs(): number {
  return config().WORKER_LEASE_MS ?? DEFAULT_WORKER_LEASE_MS;
}

/**
 * The "worker is up" rule as a condition on the Worker row aliased `alias` (database clock): not
 * stopped, heartbeated within `leaseMs`. The worker passes its own lease length; the web app's default
 * is the deployment's.
 */
export function workerIsUpSql(alias: string, leaseMs: number = workerLeaseMs()): Prisma.Sql {
  const w = Prisma.raw(`"${alias.replace(/"/g, "")}"`);
  return Prisma.sql`(${w}."stoppedAt" IS NULL
    AND ${w}."heartbeatAt" > now() - ${leaseMs}::int * interval '1 millisecond')`;
}

/** How many workers are up now (the health check's `workers`). */
export async function countUpWorkers(leaseMs: number = workerLeaseMs()): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "Worker" w WHERE ${workerIsUpSql("w", leaseMs)}`;
  return row?.n ?? 0;
}

/** A worker's status, derived from its row: `stoppedAt` set means stopped. */
export type WorkerStatus = "running" | "stopped";

/** The ways a worker's status changes. */
export const WORKER_TRANSITIONS = {
  /** Start-up: a new row, or the row of an earlier run under the same id revived (it may have died). */
  register: { from: [NEW, "stopped", "running"], to: "running" },
  /** It stopped, or the run command saw its process group end. */
  stop: { from: ["running"], to: "stopped" },
} as const satisfies TransitionTable<WorkerStatus>;

export interface WorkerRegistration {
  workerId: string;
  homeKey: string;
  maxAgents: number;
  rssBytes: bigint;
}

/** Registers the worker's row (insert, or revive one of the same id): `running`, heartbeating from now. */
export async function registerWorker(r: WorkerRegistration): Promise<void> {
  const host = os.hostname();
  await db.worker.upsert({
    where: { id: r.workerId },
    create: {
      id: r.workerId,
      host,
      pid: process.pid,
      homeKey: r.homeKey,
      maxAgents: r.maxAgents,
      rssBytes: r.rssBytes,
    },
    // A drain outlives a restart under the same id: the admin undoes it on /admin.
    update: {
      host,
      pid: process.pid,
      heartbeatAt: new Date(),
      stoppedAt: null,
      rssBytes: r.rssBytes,
      homeKey: r.homeKey,
      maxAgents: r.maxAgents,
      liveAgents: 0,
    },
  });
}

/** What a heartbeat reports besides the time. */
export interface HeartbeatReport {
  liveAgents: number;
  rssBytes: bigint;
  stats?: WorkerStats;
}

/** Records a heartbeat; resolves with the admin's drain flag, which the worker reads back this way. */
export async function recordHeartbeat(
  workerId: string,
  report: HeartbeatReport,
): Promise<{ draining: boolean }> {
  return db.worker.update({
    where: { id: workerId },
    data: { heartbeatAt: new Date(), ...report },
    select: { draining: true },
  });
}

/**
 * running → stopped (the health check no longer counts it); `stats`: its counters at the end. Only a
 * running row changes, so a repeat is harmless; true when this call stopped it.
 */
export async function markWorkerStopped(workerId: string, stats?: WorkerStats): Promise<boolean> {
  const { count } = await db.worker.updateMany({
    where: { id: workerId, stoppedAt: null },
    data: { stoppedAt: new Date(), liveAgents: 0, ...(stats === undefined ? {} : { stats }) },
  });
  return count === 1;
}

/**
 * Starts or ends a worker's drain: while draining it takes no new agents and hands the ones it runs
 * to the other workers of its home (it sees the flag on its next heartbeat). False when no running
 * worker has this id.
 */
export async function setWorkerDraining(workerId: string, draining: boolean): Promise<boolean> {
  const { count } = await db.worker.updateMany({
    where: { id: workerId, stoppedAt: null },
    data: { draining },
  });
  return count === 1;
}
