/**
 * Telnyx signs every webhook with the account's Ed25519 key: `telnyx-signature-ed25519` is the base64
 * signature of `${telnyx-timestamp}|${raw body}`, the timestamp in Unix seconds. We check it with the public
 * key from the portal (base64 of the raw 32 bytes), and refuse a timestamp more than WEBHOOK_TOLERANCE_S
 * away from our clock, so a delivery recorded by someone on the way can't be played again later (a replay
 * within the window finds its event already recorded: lib/providers/events.ts).
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";

/** How far a webhook's timestamp may be from our clock, either way. */
export const WEBHOOK_TOLERANCE_S = 300;

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the raw 32 bytes follow it. */
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

function publicKeyOf(base64: string): KeyObject | undefined {
  const raw = Buffer.from(base64.trim(), "base64");
  if (raw.length !== 32) return undefined;
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
  } catch {
    return undefined;
  }
}

/** Whether `base64` is an Ed25519 public key as Telnyx's portal shows it (for the configuration check). */
export const isEd25519PublicKey = (base64: string): boolean => publicKeyOf(base64) !== undefined;

export interface SignedDelivery {
  /** telnyx-signature-ed25519 */
  signature: string | null;
  /** telnyx-timestamp */
  timestamp: string | null;
  /** The raw body, exactly as it came. */
  body: string;
}

export type SignatureCheck = { ok: true } | { ok: false; why: "unsigned" | "stale" | "bad_signature" };

/** Checks a delivery's signature and timestamp against the account's public key (base64). */
export function checkTelnyxSignature(
  publicKey: string,
  { signature, timestamp, body }: SignedDelivery,
  nowMs = Date.now(),
): SignatureCheck {
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, why: "unsigned" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_S) return { ok: false, why: "stale" };
  const key = publicKeyOf(publicKey);
  const sig = Buffer.from(signature, "base64");
  if (!key || sig.length !== 64) return { ok: false, why: "bad_signature" };
  const signed = verify(null, Buffer.from(`${timestamp}|${body}`, "utf8"), key, sig);
  return signed ? { ok: true } : { ok: false, why: "bad_signature" };
}
