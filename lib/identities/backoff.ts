/** Capped exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

/** The delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, then jittered into [d/2, d]. */
export function backoffMs(attempt: number, o: BackoffOptions = {}): number {
  const base = o.baseMs ?? 1_000;
  const cap = o.capMs ?? 5 * 60_000;
  const d = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(d / 2 + (o.random ?? Math.random)() * (d / 2));
}
