/**
 * How many sign-in e-mails may be sent: per address (so nobody's inbox can be flooded through us)
 * and per client address (so one client cannot spray many addresses; an IPv6 client by its /64,
 * lib/client-address.ts `clientLimitKey`), each per hour, counted in
 * PostgreSQL (lib/rate-limit.ts). Checked before a magic link is made, whichever way the sign-in
 * was asked for (our server action or Auth.js's own endpoint).
 */
import { clientLimitKey } from "@/lib/client-address";
import { config } from "@/lib/config";
import { hitRateLimit } from "@/lib/rate-limit";

const HOUR_MS = 60 * 60 * 1000;

export interface SignInMailRefusal {
  retryAfterMs: number;
}

/** Counts a sign-in e-mail for `email` asked by `client`; a refusal when either is over its limit. */
export async function signInMailRefusal(email: string, client: string): Promise<SignInMailRefusal | null> {
  const c = config();
  const perClient = await hitRateLimit(
    { bucket: "signin-mail:client", limit: c.SIGNIN_MAILS_PER_HOUR_PER_CLIENT, windowMs: HOUR_MS },
    clientLimitKey(client),
  );
  if (!perClient.allowed) return { retryAfterMs: perClient.retryAfterMs };
  const perAddress = await hitRateLimit(
    { bucket: "signin-mail:address", limit: c.SIGNIN_MAILS_PER_HOUR_PER_ADDRESS, windowMs: HOUR_MS },
    email.trim().toLowerCase(),
  );
  if (!perAddress.allowed) return { retryAfterMs: perAddress.retryAfterMs };
  return null;
}
