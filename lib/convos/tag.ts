/** Invite tags (docs/convos-protocol.md §5.6): opaque strings compared exactly; we generate 10 chars of [a-zA-Z0-9]. */
import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A fresh 10-character [a-zA-Z0-9] tag from a CSPRNG, without modulo bias (rejection sampling). */
export function generateTag(length = 10): string {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62]; // 248 = 4·62: uniform
    }
  }
  return out;
}
