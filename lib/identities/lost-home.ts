/**
 * The record of a lost home (docs/recovery.md): an identity whose XMTP
 * database was gone for good gets a `home_lost` event when a worker opens a
 * new installation for it, and a `home_recovered` event once a member's
 * commit has added that installation back to its conversation. Both show on
 * the owner's timeline. An open `home_lost` (no `home_recovered` after it) is
 * what tells any worker, after a restart too, to wait for the re-add instead
 * of failing the handoff.
 */
import { db } from "@/lib/db";

/** Records that `identityId`'s database was found lost (before its new installation is opened). */
export async function recordHomeLost(o: {
  identityId: string;
  agentId: string;
  workerId: string;
}): Promise<void> {
  await db.event.create({ data: { kind: "home_lost", ...o } });
}

/** When the identity's home was lost, if it still waits to be re-added; else null. */
export async function homeLostSince(identityId: string): Promise<Date | null> {
  const last = await db.event.findFirst({
    where: { identityId, kind: { in: ["home_lost", "home_recovered"] } },
    orderBy: { id: "desc" },
    select: { kind: true, createdAt: true },
  });
  return last?.kind === "home_lost" ? last.createdAt : null;
}

/** Records that the new installation has its conversation again; returns the gap in milliseconds. */
export async function recordHomeRecovered(o: {
  identityId: string;
  agentId: string;
  workerId: string;
  lostAt: Date;
}): Promise<number> {
  const latencyMs = Date.now() - o.lostAt.getTime();
  await db.event.create({
    data: {
      kind: "home_recovered",
      identityId: o.identityId,
      agentId: o.agentId,
      workerId: o.workerId,
      latencyMs,
    },
  });
  return latencyMs;
}
