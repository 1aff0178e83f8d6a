/**
 * The pool over time: one PoolSample row per minute for the admin page's charts.
 *
 * Every worker samples (so the charts keep going while any worker is up), but a
 * minute gets one row only: the row is keyed by the minute and written with
 * INSERT … ON CONFLICT DO NOTHING, and a minute that already has its row is not
 * even computed again (the NOT EXISTS gate is evaluated once, before the counts).
 * The writer of a minute also prunes rows older than the retention, so N workers
 * don't all delete.
 *
 * Counts (idle, claimed, live identities) are taken when the sample is written;
 * claims, claim latency and answers (ledger rows that reached `answered`) cover
 * the whole minute before the row's minute, so sampling late in a minute or
 * early changes nothing and no minute is counted twice.
 */
import { db } from "@/lib/db";

const MINUTE_MS = 60_000;

/** The start of the minute `at` falls in. */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

export interface SampleResult {
  /** True when this call wrote the minute's row; false when another sampler did first. */
  recorded: boolean;
  /** Rows older than the retention deleted by this call. */
  pruned: number;
}

/** Writes the pool's sample for the minute of `now` unless one exists, then prunes old ones if it wrote. */
export async function recordPoolSample(o: { now?: Date; retentionDays: number }): Promise<SampleResult> {
  const minute = minuteOf(o.now ?? new Date());
  const from = new Date(minute.getTime() - MINUTE_MS);
  const inserted = await db.$executeRaw`
    INSERT INTO "PoolSample" (minute, idle, claimed, live, claims, "claimP50Ms", "claimP95Ms", answers)
    SELECT ${minute},
           (SELECT count(*) FROM "Identity" WHERE status = 'idle'),
           (SELECT count(*) FROM "Identity" WHERE status = 'claimed'),
           (SELECT count(*) FROM "Identity" WHERE status = 'live'),
           c.count, c.p50, c.p95,
           (SELECT count(*) FROM "HandledMessage"
             WHERE kind = 'answered' AND "handledAt" >= ${from} AND "handledAt" < ${minute})
    FROM (SELECT count(*) AS count,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs") AS p50,
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs") AS p95
          FROM "Event"
          WHERE kind = 'claim' AND "latencyMs" IS NOT NULL
            AND "createdAt" >= ${from} AND "createdAt" < ${minute}) c
    WHERE NOT EXISTS (SELECT 1 FROM "PoolSample" WHERE minute = ${minute})
    ON CONFLICT (minute) DO NOTHING`;
  if (inserted !== 1) return { recorded: false, pruned: 0 };
  const before = new Date(minute.getTime() - o.retentionDays * 24 * 60 * MINUTE_MS);
  const { count: pruned } = await db.poolSample.deleteMany({ where: { minute: { lt: before } } });
  return { recorded: true, pruned };
}

export interface PoolSamplePoint {
  minute: Date;
  idle: number;
  claimed: number;
  live: number;
  claims: number;
  claimP50Ms: number | null;
  claimP95Ms: number | null;
  answers: number;
}

/** The samples from `since` on, oldest first. */
export async function poolSamplesSince(since: Date): Promise<PoolSamplePoint[]> {
  return db.poolSample.findMany({ where: { minute: { gte: since } }, orderBy: { minute: "asc" } });
}
