/**
 * What the run command writes when a part dies. A restart is an Event row
 * (kind `restart`) rather than a column or a table of its own: the event log
 * is already what the admin page reads, it outlives any one worker row (a
 * restarted worker is a new row), and counting per part over a window is one
 * query on the (kind, createdAt) index.
 */
import { db } from "@/lib/db";
import { releaseLeases } from "@/lib/identities";
import { abandonProvisioning } from "@/lib/identities/identity-status";
import { markWorkerStopped } from "@/lib/workers/worker-status";
import type { RestartablePart } from "./parts";

export interface Restart {
  part: RestartablePart;
  /** How the run ended: "SIGKILL", "code 1"; "unknown" when another supervisor restarted it. */
  exit: string;
  /** 1 for the first restart in a row (known to the run command only). */
  attempt?: number;
  delayMs?: number;
  /** The worker that died, for a worker restart. */
  workerId?: string;
}

/** One restart of a part, as an event; the run command writes it while the restart waits for its backoff. */
export async function recordRestart(r: Restart): Promise<void> {
  await db.event.create({
    data: {
      kind: "restart",
      workerId: r.workerId ?? null,
      data: { part: r.part, exit: r.exit, attempt: r.attempt ?? null, delayMs: r.delayMs ?? null },
    },
  });
}

/**
 * For a worker starting under a fixed id (WORKER_ID, e.g. under systemd): when
 * the last run under that id never marked itself stopped, it died and this
 * start is a restart, recorded as the run command records its own. (The run
 * command gives each run a new id, so its restarts are never counted twice.)
 */
export async function recordRestartUnderSameId(workerId: string): Promise<boolean> {
  const previous = await db.worker.findUnique({ where: { id: workerId }, select: { stoppedAt: true } });
  if (!previous || previous.stoppedAt) return false;
  await recordRestart({ part: "worker", exit: "unknown", workerId });
  return true;
}

/** A part given up on after crashing at every start: a failure the admin page lists. */
export async function recordGaveUp(part: RestartablePart, exit: string, tries: number): Promise<void> {
  await db.event.create({
    data: {
      kind: "failure",
      error: `${part} kept crashing at start-up (${tries} restarts, last exit: ${exit}); the run command stopped`,
    },
  });
}

/**
 * Hands back what a dead worker held, at once instead of when its leases
 * expire, so its replacement resumes its agents without waiting: identities it
 * was creating go back to the pool's retry queue, its leases are released, and
 * it is marked stopped (the health check no longer counts it). Only for a
 * worker known to be dead, i.e. whose whole process group the supervisor saw
 * end; a worker that is merely slow keeps its leases until they expire.
 * Each step only touches rows this worker id still holds, so repeating it is harmless.
 */
export async function releaseDeadWorker(workerId: string): Promise<number> {
  await abandonProvisioning(workerId);
  const released = await releaseLeases(workerId);
  await markWorkerStopped(workerId);
  return released;
}
