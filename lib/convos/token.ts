/**
 * Conversation token (docs/convos-protocol.md §3): the group id, encrypted so only the creator can
 * map an invite back to its group.
 *
 *   key   = HKDF-SHA256(IKM = creator private key, salt = "ConvosInviteV1",
 *                       info = "inbox:" + inbox hex, L = 32)
 *   token = 01 ‖ nonce(12) ‖ ChaCha20-Poly1305(key, nonce, packed id, AAD = inbox hex as UTF-8)
 *
 * Packed id: 01 ‖ 16 UUID bytes, or 02 ‖ len(1) ‖ utf8, or 02 ‖ 00 ‖ len(u16 BE) ‖ utf8.
 */
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { concat, fromHex, toHex, utf8, privateKeyBytes } from "./bytes";
import { ConvosError } from "./errors";

const SALT = utf8.encode("ConvosInviteV1");
const VERSION = 0x01;
const MIN_TOKEN_LENGTH = 32;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Normalizes an inbox id to the lowercase hex string used as HKDF info and AAD. */
function inboxHex(inboxId: string): string {
  const lower = inboxId.toLowerCase();
  if (!/^[0-9a-f]+$/.test(lower)) throw new ConvosError("invalid_token", "inbox id must be hex");
  return lower;
}

/** The 32-byte token key of §3.1 for this creator key and inbox. */
export function deriveTokenKey(privateKey: Uint8Array | string, inboxId: string): Uint8Array {
  return hkdf(sha256, privateKeyBytes(privateKey), SALT, utf8.encode(`inbox:${inboxHex(inboxId)}`), 32);
}

/** Packs a conversation id per §3.2; rejects empty or over-long ids. */
export function packConversationId(id: string): Uint8Array {
  if (UUID_RE.test(id)) return concat(Uint8Array.of(0x01), fromHex(id.replaceAll("-", "")));
  const bytes = utf8.encode(id);
  if (bytes.length === 0) throw new ConvosError("invalid_token", "conversation id is empty");
  if (bytes.length <= 255) return concat(Uint8Array.of(0x02, bytes.length), bytes);
  if (bytes.length <= 0xffff)
    return concat(Uint8Array.of(0x02, 0x00, bytes.length >> 8, bytes.length & 0xff), bytes);
  throw new ConvosError("invalid_token", "conversation id is longer than 65535 bytes");
}

/** Unpacks §3.2; throws invalid_token on any inconsistency (never reads past the end). */
export function unpackConversationId(packed: Uint8Array): string {
  const fail = (why: string) => new ConvosError("invalid_token", `packed conversation id: ${why}`);
  if (packed[0] === 0x01) {
    if (packed.length !== 17) throw fail("UUID must be 16 bytes");
    const h = toHex(packed.subarray(1));
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  if (packed[0] !== 0x02 || packed.length < 2) throw fail("unknown kind");
  let len = packed[1];
  let at = 2;
  if (len === 0) {
    if (packed.length < 4) throw fail("truncated length");
    len = (packed[2] << 8) | packed[3];
    at = 4;
  }
  if (packed.length !== at + len) throw fail("length mismatch");
  try {
    return utf8.decode(packed.subarray(at));
  } catch (cause) {
    throw new ConvosError("invalid_token", "packed conversation id is not UTF-8", { cause });
  }
}

/** Encrypts a conversation id into a token; a fresh random nonce unless one is given (tests only). */
export function encryptConversationToken(
  conversationId: string,
  inboxId: string,
  privateKey: Uint8Array | string,
  nonce: Uint8Array = randomBytes(12),
): Uint8Array {
  if (nonce.length !== 12) throw new ConvosError("invalid_token", "nonce must be 12 bytes");
  const key = deriveTokenKey(privateKey, inboxId);
  const sealed = chacha20poly1305(key, nonce, utf8.encode(inboxHex(inboxId))).encrypt(
    packConversationId(conversationId),
  );
  return concat(Uint8Array.of(VERSION), nonce, sealed);
}

/** Decrypts a token with the creator's own key and inbox; tampered_token when the AEAD fails (§3.4). */
export function decryptConversationToken(
  token: Uint8Array,
  inboxId: string,
  privateKey: Uint8Array | string,
): string {
  if (token.length < MIN_TOKEN_LENGTH)
    throw new ConvosError("invalid_token", "token is shorter than 32 bytes");
  if (token[0] !== VERSION) throw new ConvosError("invalid_token", `unknown token version ${token[0]}`);
  const key = deriveTokenKey(privateKey, inboxId);
  let packed: Uint8Array;
  try {
    packed = chacha20poly1305(key, token.subarray(1, 13), utf8.encode(inboxHex(inboxId))).decrypt(
      token.subarray(13),
    );
  } catch (cause) {
    throw new ConvosError("tampered_token", "conversation token does not decrypt for this creator", {
      cause,
    });
  }
  return unpackConversationId(packed);
}
