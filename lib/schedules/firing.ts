/**
 * Firing due schedules exactly once, across workers and crashes, in two steps:
 *
 *   fire   one transaction takes the due schedules of the identities this worker
 *          holds (FOR UPDATE SKIP LOCKED: two workers never take the same row),
 *          records one ScheduleFiring per schedule (pending, keyed by schedule and
 *          due time) and writes each schedule's next run (or ends a reminder);
 *   send   the worker claims a pending firing (pending → sending, one conditional
 *          UPDATE: a second worker holding the lease for a moment loses it), sends
 *          it, and marks it sent.
 *
 * A crash after the commit leaves the firing pending: whoever holds the lease next
 * sends it (not lost). A crash between `sending` and the send completing is not
 * retried: at most once there, the same choice as for answers (a duplicate in a
 * chat is worse than a rare miss). Sends never run inside the transaction, so a
 * slow network holds no row locks.
 *
 * Missed runs (no worker held the agent when they fell due): the latest one fires
 * once, marked late; one older than the grace period is recorded as skipped.
 * The clock is a parameter (`now`), so tests move time instead of waiting.
 *
 * A table of our own rather than pg-boss or graphile-worker: a run must be sent
 * by the worker holding the agent's lease (the conversation's XMTP client lives
 * there), while a job queue hands a job to whichever worker asks; recurrence in
 * the agent's time zone, cancelling on stop and listing for the owner are a few
 * columns here, and the firing ledger gives the once-only send a queue would
 * still need on top of its at-least-once delivery.
 */
import { db } from "@/lib/db";
import { latestRunBetween, nextRun } from "./rules";

/** A run found later than this after its time is marked late in the message. */
export const LATE_AFTER_MS = 60_000;

export interface Firing {
  scheduleId: string;
  dueAt: Date;
  identityId: string;
  agentId: string;
  mode: "post" | "prompt";
  text: string;
  timeZone: string;
  late: boolean;
}

interface DueRow {
  id: string;
  identityId: string;
  rule: string | null;
  timeZone: string;
  nextRunAt: Date;
}

/** Timestamp columns hold UTC without a zone: pass them as such, not as a zone-converted string. */
const utc = (d: Date | null) => (d ? d.toISOString().replace("Z", "") : null);

/**
 * Takes up to `limit` due schedules of `identityIds` and records their firings (see the module comment).
 * Resolves with how many were fired and skipped; call again while it returns `limit` rows.
 */
export async function fireDue(o: {
  identityIds: string[];
  now: Date;
  graceMs: number;
  limit?: number;
}): Promise<{ fired: number; skipped: number; taken: number }> {
  if (o.identityIds.length === 0) return { fired: 0, skipped: 0, taken: 0 };
  const limit = o.limit ?? 500;
  const now = o.now.getTime();
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<DueRow[]>`
      SELECT id, "identityId", rule, "timeZone", "nextRunAt" FROM "Schedule"
      WHERE "identityId" = ANY(${o.identityIds}) AND status = 'active' AND "nextRunAt" <= ${utc(o.now)}::timestamp
      ORDER BY "nextRunAt" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (due.length === 0) return { fired: 0, skipped: 0, taken: 0 };
    const ids: string[] = [];
    const nexts: (string | null)[] = [];
    const statuses: string[] = [];
    const firing = { ids: [] as string[], dues: [] as string[], identities: [] as string[] };
    const firingLate: boolean[] = [];
    const firingStatus: string[] = [];
    let fired = 0;
    for (const s of due) {
      const dueAt = s.rule
        ? (latestRunBetween(s.rule, s.timeZone, s.nextRunAt, o.now) ?? s.nextRunAt)
        : s.nextRunAt;
      const lateBy = now - dueAt.getTime();
      const skip = lateBy > o.graceMs;
      const next = s.rule ? nextRun(s.rule, s.timeZone, o.now) : null;
      ids.push(s.id);
      nexts.push(utc(next));
      statuses.push(next ? "active" : "done");
      firing.ids.push(s.id);
      firing.dues.push(utc(dueAt)!);
      firing.identities.push(s.identityId);
      firingLate.push(lateBy > LATE_AFTER_MS);
      firingStatus.push(skip ? "skipped" : "pending");
      if (!skip) fired++;
    }
    await tx.$executeRaw`
      INSERT INTO "ScheduleFiring" ("scheduleId", "dueAt", "identityId", late, status)
      SELECT * FROM unnest(${firing.ids}::text[], ${firing.dues}::timestamp[], ${firing.identities}::text[],
                           ${firingLate}::boolean[], ${firingStatus}::text[])
      ON CONFLICT DO NOTHING`;
    await tx.$executeRaw`
      UPDATE "Schedule" s SET "nextRunAt" = v.next, status = v.status, firings = s.firings + 1,
        "lastFiredAt" = ${utc(o.now)}::timestamp, "updatedAt" = now()
      FROM unnest(${ids}::text[], ${nexts}::timestamp[], ${statuses}::text[]) AS v(id, next, status)
      WHERE s.id = v.id`;
    return { fired, skipped: due.length - fired, taken: due.length };
  });
}

/** Fires batches until none is left due (each batch its own short transaction); resolves with the totals. */
export async function fireAllDue(
  o: Parameters<typeof fireDue>[0],
): Promise<{ fired: number; skipped: number }> {
  const limit = o.limit ?? 500;
  const total = { fired: 0, skipped: 0 };
  for (;;) {
    const batch = await fireDue({ ...o, limit });
    total.fired += batch.fired;
    total.skipped += batch.skipped;
    if (batch.taken < limit) return total;
  }
}

/** Firings of `identityIds` recorded but not sent yet (just fired, or left by a crash), oldest first. */
export async function pendingFirings(identityIds: string[], limit = 1_000): Promise<Firing[]> {
  if (identityIds.length === 0) return [];
  return db.$queryRaw<Firing[]>`
    SELECT f."scheduleId", f."dueAt", f."identityId", f.late, s."agentId", s.mode, s.text, s."timeZone"
    FROM "ScheduleFiring" f JOIN "Schedule" s ON s.id = f."scheduleId"
    WHERE f."identityId" = ANY(${identityIds}) AND f.status = 'pending'
    ORDER BY f."dueAt" LIMIT ${limit}`;
}

/** pending → sending: true when this caller won the right to send it. */
export async function claimFiring(f: Pick<Firing, "scheduleId" | "dueAt">): Promise<boolean> {
  const { count } = await db.scheduleFiring.updateMany({
    where: { scheduleId: f.scheduleId, dueAt: f.dueAt, status: "pending" },
    data: { status: "sending" },
  });
  return count === 1;
}

/** Records how the send ended. */
export async function finishFiring(
  f: Pick<Firing, "scheduleId" | "dueAt">,
  status: "sent" | "failed",
  at = new Date(),
): Promise<void> {
  await db.scheduleFiring.update({
    where: { scheduleId_dueAt: { scheduleId: f.scheduleId, dueAt: f.dueAt } },
    data: { status, sentAt: at },
  });
}

/** How long finished firings and ended schedules are kept (for the owner's and an operator's questions). */
export const KEEP_FINISHED_MS = 30 * 86_400_000;

/**
 * Deletes firings that are over (sent, skipped, cancelled, failed) and ended schedules, older than
 * KEEP_FINISHED_MS: a schedule every 15 minutes would otherwise add 35,000 rows a year. A pruned firing is
 * never fired again: its schedule's next run is already past it.
 */
export async function pruneFinished(now: Date): Promise<{ firings: number; schedules: number }> {
  const before = new Date(now.getTime() - KEEP_FINISHED_MS);
  const firings = await db.scheduleFiring.deleteMany({
    where: { status: { in: ["sent", "skipped", "cancelled", "failed"] }, firedAt: { lt: before } },
  });
  const schedules = await db.schedule.deleteMany({
    where: { status: { in: ["done", "cancelled"] }, updatedAt: { lt: before } },
  });
  return { firings: firings.count, schedules: schedules.count };
}
