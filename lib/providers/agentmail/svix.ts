/**
 * Checking a webhook signed the Svix way (AgentMail's webhooks are): `svix-signature` holds one or more
 * space-separated `v1,<base64>` signatures, each an HMAC-SHA256 over `${svix-id}.${svix-timestamp}.${body}`
 * keyed with the secret's bytes (the base64 after `whsec_`). The raw body is checked, before any parsing;
 * the timestamp (Unix seconds) must be within five minutes of now either way, so a captured delivery
 * can't be played back later; signatures are compared in constant time. Replays within the window are
 * the caller's to refuse, by svix-id (recordProviderEvent).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** How far a delivery's timestamp may be from now. */
export const SVIX_TOLERANCE_S = 5 * 60;

export interface SvixHeaders {
  id: string | null;
  timestamp: string | null;
  signature: string | null;
}

export type SvixCheck = { ok: true; id: string } | { ok: false; reason: string };

/** The secret's key bytes: the base64 after "whsec_" (a secret without the prefix is taken whole). */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
}

/** The `v1,<base64>` signature of a delivery (what a sender computes; tests sign with it). */
export function svixSignature(secret: string, id: string, timestamp: string, body: string): string {
  const mac = createHmac("sha256", keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** Whether `body` with these headers was signed with `secret` within SVIX_TOLERANCE_S of `nowMs`. */
export function verifySvix(secret: string, h: SvixHeaders, body: string, nowMs = Date.now()): SvixCheck {
  if (!h.id || !h.timestamp || !h.signature) return { ok: false, reason: "missing svix headers" };
  if (h.id.length > 200 || h.signature.length > 2_000) return { ok: false, reason: "oversized svix headers" };
  if (!/^\d{1,12}$/.test(h.timestamp)) return { ok: false, reason: "bad timestamp" };
  if (Math.abs(nowMs / 1000 - Number(h.timestamp)) > SVIX_TOLERANCE_S)
    return { ok: false, reason: "timestamp outside the window" };
  const expected = Buffer.from(svixSignature(secret, h.id, h.timestamp, body).slice(3), "base64");
  for (const part of h.signature.split(" ")) {
    const [version, mac] = part.split(",", 2);
    if (version !== "v1" || !mac) continue;
    const given = Buffer.from(mac, "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, id: h.id };
  }
  return { ok: false, reason: "no valid signature" };
}
