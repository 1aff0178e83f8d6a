/**
 * Signing and checking an agent's attestation, byte for byte as the official Convos CLI
 * (`convos attestation verify`) and the iOS app do (docs/convos-protocol.md §8.5):
 *
 *   message     = SHA-256(UTF-8(inboxId ‖ timestamp)), the two strings concatenated as text
 *   attestation = base64url(Ed25519(message))          (64 bytes, no padding)
 *   timestamp   = ISO-8601 UTC, `Date.toISOString()`   (the exact string signed travels as attestation_ts)
 *
 * A verifier looks the key up by `attestation_kid` in the JWKS, rejects an attestation older than 24 hours
 * or more than a minute in the future, then checks the signature. `verifyAttestation` applies the same rules,
 * so our tests and tools judge an attestation as the clients will.
 */
import { createHash, sign, verify } from "node:crypto";
import { publicKeyFromRaw, type AttestationSigningKey } from "./keys";
import type { Jwks } from "./jwks";

/** The three profile metadata keys, as `agentProfileUpdate` takes them (lib/convos/profiles.ts). */
export interface Attestation {
  attestation: string;
  attestation_ts: string;
  attestation_kid: string;
}

/** Verifiers reject an attestation older than this. */
export const ATTESTATION_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** How far in the future a timestamp may be (clock skew). */
const FUTURE_SKEW_MS = 60_000;

function message(inboxId: string, timestamp: string): Buffer {
  return createHash("sha256").update(`${inboxId}${timestamp}`, "utf8").digest();
}

/** The attestation of `inboxId` at `at` by `key`. */
export function signAttestation(key: AttestationSigningKey, inboxId: string, at: Date): Attestation {
  const ts = at.toISOString();
  return {
    attestation: sign(null, message(inboxId, ts), key.privateKey).toString("base64url"),
    attestation_ts: ts,
    attestation_kid: key.kid,
  };
}

export type Verdict = { valid: true } | { valid: false; reason: string };

/** Checks an attestation against a JWKS at `now` by the CLI's rules; never throws on hostile input. */
export function verifyAttestation(
  inboxId: string,
  a: Attestation,
  jwks: Jwks,
  o: { now: Date; maxAgeMs?: number },
): Verdict {
  const key = jwks.keys.find((k) => k.kid === a.attestation_kid);
  if (!key) return { valid: false, reason: `key not found: ${a.attestation_kid}` };
  if (key.kty !== "OKP" || key.crv !== "Ed25519") return { valid: false, reason: "not an Ed25519 key" };
  const ts = new Date(a.attestation_ts).getTime();
  if (Number.isNaN(ts)) return { valid: false, reason: "invalid timestamp" };
  const ageMs = o.now.getTime() - ts;
  if (ageMs > (o.maxAgeMs ?? ATTESTATION_MAX_AGE_MS)) return { valid: false, reason: "too old" };
  if (ageMs < -FUTURE_SKEW_MS) return { valid: false, reason: "timestamp in the future" };
  const signature = Buffer.from(a.attestation, "base64url");
  const raw = Buffer.from(key.x, "base64url");
  if (signature.length !== 64) return { valid: false, reason: "signature is not 64 bytes" };
  if (raw.length !== 32) return { valid: false, reason: "public key is not 32 bytes" };
  let valid = false;
  try {
    valid = verify(null, message(inboxId, a.attestation_ts), publicKeyFromRaw(raw), signature);
  } catch {
    // A key that does not import is no key.
  }
  return valid ? { valid: true } : { valid: false, reason: "signature does not verify" };
}
