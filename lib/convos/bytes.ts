/**
 * Byte helpers shared by the protocol modules. Kept tiny and strict: hex must be
 * even-length hex, base64url must use the URL alphabet (padding tolerated on read).
 */
import { ConvosError } from "./errors";

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const B64URL_RE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Lowercase hex of the bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Bytes of an even-length hex string (an optional 0x prefix is allowed); throws on anything else. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (!HEX_RE.test(clean)) throw new ConvosError("invalid_invite", "not a hex string");
  return new Uint8Array(Buffer.from(clean, "hex"));
}

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** Decodes base64url (padding optional); null when a character is outside the alphabet. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!B64URL_RE.test(text) || text.replace(/=+$/, "").length % 4 === 1) return null;
  return new Uint8Array(Buffer.from(text, "base64url"));
}

export const utf8 = {
  encode: (s: string): Uint8Array => new TextEncoder().encode(s),
  /** Strict: invalid UTF-8 throws instead of becoming U+FFFD. */
  decode: (b: Uint8Array): string => new TextDecoder("utf-8", { fatal: true }).decode(b),
};

/** Concatenation of byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Constant-time equality for equal-length inputs (length itself is not secret). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Parses a 32-byte secp256k1 private key given as bytes or (0x-)hex. */
export function privateKeyBytes(key: Uint8Array | string): Uint8Array {
  const bytes = typeof key === "string" ? fromHex(key) : key;
  if (bytes.length !== 32) throw new ConvosError("invalid_invite", "a private key must be 32 bytes");
  return bytes;
}
