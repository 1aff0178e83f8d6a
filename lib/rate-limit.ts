/**
 * Rate limits kept in PostgreSQL, so every web process counts the same attempts: at most `limit`
 * attempts per value (an e-mail address, a client address, an API key) in any sliding `windowMs`.
 *
 * One transaction per attempt: an advisory lock on (bucket, key) makes concurrent attempts for the
 * same value take turns, then the attempt is recorded only if fewer than `limit` were recorded in the
 * window. Refused attempts are not recorded, so hammering does not push the end of a wait further
 * out. Values are stored as SHA-256 digests: the table holds no e-mail address or API key.
 */
import { createHash } from "node:crypto";
import { db } from "./db";

export interface RateLimit {
  /** What is limited, e.g. "signin-mail:address". */
  bucket: string;
  limit: number;
  windowMs: number;
}

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Rows older than this are swept now and then; no limit has a longer window. */
const KEEP_MS = 24 * 60 * 60 * 1000;
const SWEEP_EVERY = 100;
let attempts = 0;

function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Records one attempt for `value` unless `limit` attempts were already recorded in the window. */
export async function hitRateLimit(
  { bucket, limit, windowMs }: RateLimit,
  value: string,
  now = new Date(),
): Promise<RateLimitResult> {
  const key = digest(value);
  const since = new Date(now.getTime() - windowMs);
  const result = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${bucket} || ':' || ${key}, 0))) AS l`;
    const inserted = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO "RateLimitHit" (bucket, key, at)
      SELECT ${bucket}, ${key}, ${now}
      WHERE (SELECT count(*) FROM "RateLimitHit" WHERE bucket = ${bucket} AND key = ${key} AND at > ${since}) < ${limit}
      RETURNING id`;
    if (inserted.length > 0) return { allowed: true } as const;
    const [oldest] = await tx.$queryRaw<{ at: Date }[]>`
      SELECT min(at) AS at FROM "RateLimitHit" WHERE bucket = ${bucket} AND key = ${key} AND at > ${since}`;
    const freedAt = (oldest?.at ?? now).getTime() + windowMs;
    return { allowed: false, retryAfterMs: Math.max(1000, freedAt - now.getTime()) } as const;
  });
  if (++attempts % SWEEP_EVERY === 0) {
    await db.rateLimitHit.deleteMany({ where: { at: { lt: new Date(now.getTime() - KEEP_MS) } } });
  }
  return result;
}

/**
 * The wait before `value` may try again when `limit` attempts are already recorded in the window, else
 * null; records nothing. For limits on failures: check before the attempt, record (hitRateLimit) only
 * when it failed, so a client over the limit learns nothing more, not even whether it guessed right.
 */
export async function rateLimitWait(
  { bucket, limit, windowMs }: RateLimit,
  value: string,
  now = new Date(),
): Promise<number | null> {
  const since = new Date(now.getTime() - windowMs);
  const [row] = await db.$queryRaw<{ n: bigint; oldest: Date | null }[]>`
    SELECT count(*) AS n, min(at) AS oldest FROM "RateLimitHit"
    WHERE bucket = ${bucket} AND key = ${digest(value)} AND at > ${since}`;
  if (!row || Number(row.n) < limit) return null;
  // hitRateLimit keeps at most `limit` in a window: the oldest one frees a place.
  const freedAt = (row.oldest ?? now).getTime() + windowMs;
  return Math.max(1000, freedAt - now.getTime());
}

/** "12 minutes", "1 hour": a wait as a person reads it. */
export function describeWait(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 60) return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return hours === 1 ? "1 hour" : `${hours} hours`;
}
