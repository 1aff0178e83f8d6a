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
 * A run closer than MIN_INTERVAL_MS to the last run that fired is skipped too:
 * rules.ts checks the spacing over a window when a rule is set, this holds it
 * for every run after (and for rules stored before that check). A rule that
 * cannot be computed any more (its expansion timed out) ends the schedule.
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
import { RULE_DEADLINE_MS } from "./rule-thread";
import { latestRunBetween, MIN_INTERVAL_MS, nextRun, RuleError } from "./rules";

/** A run found later than this after its time is marked late in the message. */
export const LATE_AFTER_MS = 60_000;

/** The most time one batch's transaction spends waiting on rule expansions (well under the statement timeout). */
const BATCH_RULE_MS = 5_000;

/**
 * A stored rule passed the checks when it was set, in milliseconds: at firing it gets more time than a new
 * rule does, so a busy machine does not end a schedule that is fine.
 */
const FIRING_DEADLINE_MS = 4 * RULE_DEADLINE_MS;

export interface Firing {
  scheduleId: string;
  dueAt: Date;
  identityId: string;
  agentId: string;
  mode: "post" | "prompt";
  text: string;
  timeZone: string;
  late: boolean;
  /** The member who asked for it, or null. */
  createdByInboxId: string | null;
}

interface DueRow {
  id: string;
  identityId: string;
  rule: string | null;
  timeZone: string;
  nextRunAt: Date;
  /** The due time of its last run that fired (not skipped). */
  lastDueAt: Date | null;
}

/** Timestamp columns hold UTC without a zone: pass them as such, not as a zone-converted string. */
const utc = (d: Date | null) => (d ? d.toISOString().replace("Z", "") : null);

/**
 * Takes up to `limit` due schedules of `identityIds` and records their firings (see the module comment).
 * Resolves with how many were fired and skipped; call again while it returns `limit` rows or `more`.
 */
export async function fireDue(o: {
  identityIds: string[];
  now: Date;
  graceMs: number;
  limit?: number;
}): Promise<{ fired: number; skipped: number; taken: number; more: boolean }> {
  if (o.identityIds.length === 0) return { fired: 0, skipped: 0, taken: 0, more: false };
  const limit = o.limit ?? 500;
  const now = o.now.getTime();
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<DueRow[]>`
      SELECT id, "identityId", rule, "timeZone", "nextRunAt",
        (SELECT max(f."dueAt") FROM "ScheduleFiring" f
         WHERE f."scheduleId" = s.id AND f.status IN ('pending', 'sending', 'sent', 'failed')) AS "lastDueAt"
      FROM "Schedule" s
      WHERE "identityId" = ANY(${o.identityIds}) AND status = 'active' AND "nextRunAt" <= ${utc(o.now)}::timestamp
      ORDER BY "nextRunAt" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (due.length === 0) return { fired: 0, skipped: 0, taken: 0, more: false };
    const ids: string[] = [];
    const nexts: (string | null)[] = [];
    const statuses: string[] = [];
    const firing = { ids: [] as string[], dues: [] as string[], identities: [] as string[] };
    const firingLate: boolean[] = [];
    const firingStatus: string[] = [];
    let fired = 0;
    const started = performance.now();
    for (const s of due) {
      // Rule expansions wait on the rule thread: a batch of slow ones hands the rest to the next transaction.
      if (performance.now() - started > BATCH_RULE_MS) break;
      let dueAt = s.nextRunAt;
      let next: Date | null = null;
      let broken = false;
      try {
        if (s.rule) {
          dueAt =
            (await latestRunBetween(s.rule, s.timeZone, s.nextRunAt, o.now, FIRING_DEADLINE_MS)) ??
            s.nextRunAt;
          next = await nextRun(s.rule, s.timeZone, o.now, FIRING_DEADLINE_MS);
        }
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        broken = true; // recorded as skipped, and the schedule ends
      }
      const lateBy = now - dueAt.getTime();
      const tooSoon = s.lastDueAt !== null && dueAt.getTime() - s.lastDueAt.getTime() < MIN_INTERVAL_MS;
      const skip = lateBy > o.graceMs || tooSoon || broken;
      ids.push(s.id);
      nexts.push(utc(next));
      statuses.push(next ? "active" : broken ? "cancelled" : "done");
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
    return { fired, skipped: ids.length - fired, taken: ids.length, more: ids.length < due.length };
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
    if (batch.taken < limit && !batch.more) return total;
  }
}

/** Firings of `identityIds` recorded but not sent yet (just fired, or left by a crash), oldest first. */
export async function pendingFirings(identityIds: string[], limit = 1_000): Promise<Firing[]> {
  if (identityIds.length === 0) return [];
  return db.$queryRaw<Firing[]>`
    SELECT f."scheduleId", f."dueAt", f."identityId", f.late, s."agentId", s.mode, s.text, s."timeZone",
      s."createdByInboxId"
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
  status: "sent" | "failed" | "cancelled",
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
