/**
 * Checking a secret a client presents (the pool API's `x-api-key`, the metrics token) with its
 * failures limited per client address: after FAILED_SECRETS.limit wrong secrets from one client
 * (an IPv6 client by its /64) in FAILED_SECRETS.windowMs, every request of that client is answered
 * 429 with Retry-After before its secret is looked at, so a key cannot be guessed by trying many,
 * and a right guess made while refused goes unnoticed. Right secrets are not counted.
 */
import { clientLimitKey } from "@/lib/client-address";
import { describeWait, hitRateLimit, rateLimitWait, type RateLimit } from "@/lib/rate-limit";
import { jsonError, secretMatches } from "./responses";

export const FAILED_SECRETS = { limit: 10, windowMs: 15 * 60 * 1000 };

export type SecretCheck = { ok: true } | { ok: false; response: Response };

/**
 * Checks `presented` against `expected` for a client; `what` names the secret in the answers
 * ("x-api-key header"), `scope` keeps each secret's failures apart ("pool-api", "metrics").
 */
export async function checkSecret(o: {
  scope: string;
  what: string;
  presented: string | null | undefined;
  expected: string | undefined;
  client: string;
  unauthorized: string;
}): Promise<SecretCheck> {
  const limit: RateLimit = { bucket: `${o.scope}:failed-secret`, ...FAILED_SECRETS };
  const key = clientLimitKey(o.client);
  const wait = await rateLimitWait(limit, key);
  if (wait !== null) return { ok: false, response: tooMany(o.what, wait) };
  if (secretMatches(o.presented, o.expected)) return { ok: true };
  const hit = await hitRateLimit(limit, key);
  if (!hit.allowed) return { ok: false, response: tooMany(o.what, hit.retryAfterMs) };
  return { ok: false, response: jsonError("unauthorized", o.unauthorized, 401) };
}

function tooMany(what: string, waitMs: number): Response {
  return jsonError(
    "rate_limited",
    `Too many wrong ${what} values from this client address. Try again in ${describeWait(waitMs)}.`,
    429,
    { "retry-after": String(Math.ceil(waitMs / 1000)) },
  );
}
