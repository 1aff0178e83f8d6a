/**
 * Sealing secrets at rest (agents' wallet keys and XMTP database keys) with
 * AES-256-GCM under the deployment's MASTER_KEY.
 *
 * Layout (version 1): `0x01 || nonce (12) || ciphertext || tag (16)`. The
 * version byte is also authenticated (as AAD), so a downgrade or a flipped
 * byte anywhere fails to open. The 32-byte AES key is HKDF-SHA256 of the
 * MASTER_KEY string with a fixed salt and info, so any string of enough
 * entropy works as a MASTER_KEY and the derived key is never stored.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SALT = Buffer.from("convos-agents/secrets", "utf8");
const INFO = Buffer.from("aes-256-gcm v1", "utf8");

export class SealError extends Error {
  readonly code = "seal_error";
}

/** A derived sealing key; opaque outside this module. */
export interface SealingKey {
  readonly key: Buffer;
}

/** Derives the AES-256 key from the MASTER_KEY string (HKDF-SHA256); throws on a key under 16 characters. */
export function deriveSealingKey(masterKey: string): SealingKey {
  if (masterKey.length < 16)
    throw new SealError("MASTER_KEY is too short: use at least 32 random bytes (base64)");
  return { key: Buffer.from(hkdfSync("sha256", Buffer.from(masterKey, "utf8"), SALT, INFO, 32)) };
}

/** Encrypts `plaintext` with a fresh random nonce; the result opens only with the same key. */
export function seal(key: SealingKey, plaintext: Uint8Array): Uint8Array<ArrayBuffer> {
  const nonce = randomBytes(NONCE_BYTES);
  const header = Buffer.from([VERSION]);
  const cipher = createCipheriv("aes-256-gcm", key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([header, nonce, body, cipher.getAuthTag()]));
}

/** Decrypts a sealed value; throws SealError when it was altered, truncated, of another version or another key. */
export function open(key: SealingKey, sealed: Uint8Array): Uint8Array<ArrayBuffer> {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES) throw new SealError("sealed value is truncated");
  if (bytes[0] !== VERSION) throw new SealError(`unknown sealed value version ${bytes[0]}`);
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key.key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(bytes.subarray(0, 1));
  decipher.setAuthTag(tag);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch (cause) {
    throw new SealError("sealed value does not open: wrong MASTER_KEY or tampered data", { cause });
  }
}
