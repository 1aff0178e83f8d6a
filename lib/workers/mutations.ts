/** Writes to a worker's row made by an admin. */
import { db } from "@/lib/db";

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
