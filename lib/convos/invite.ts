/**
 * Invite payload and signed invite (docs/convos-protocol.md §2).
 *
 * The payload bytes are opaque once signed: verification always runs over the
 * bytes exactly as received, never a re-serialization, because protobuf output
 * is not canonical (iOS omits `expiresAfterUse = false`, protobufjs writes `48 00`).
 *
 * Signature: ECDSA/secp256k1 over SHA-256(payload), RFC 6979 deterministic, low-S,
 * laid out as r(32) ‖ s(32) ‖ recid(1) with recid 0–3 (never 27/28).
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concat, constantTimeEqual, fromHex, privateKeyBytes, toHex } from "./bytes";
import { ConvosError } from "./errors";
import { InvitePayloadType, SignedInviteType, int64ToNumber } from "./proto";

export interface InvitePayload {
  conversationToken: Uint8Array;
  /** Lowercase hex of the 32 raw bytes on the wire. */
  creatorInboxId: string;
  tag: string;
  name?: string;
  description?: string;
  imageURL?: string;
  /** Unix seconds; 0 on the wire reads as absent. */
  conversationExpiresAtUnix?: number;
  expiresAtUnix?: number;
  expiresAfterUse: boolean;
  emoji?: string;
}

export interface SignedInvite {
  /** The payload bytes exactly as received: the only input to verification. */
  payloadBytes: Uint8Array;
  signature: Uint8Array;
  payload: InvitePayload;
}

/** Serializes a payload the way the product writes it: only set fields, no zero expiry, no `expiresAfterUse: false`. */
export function encodeInvitePayload(p: InvitePayload): Uint8Array {
  const msg: Record<string, unknown> = {
    conversationToken: p.conversationToken,
    creatorInboxId: fromHex(p.creatorInboxId),
    tag: p.tag,
  };
  if (p.name !== undefined) msg.name = p.name;
  if (p.description !== undefined) msg.description = p.description;
  if (p.imageURL !== undefined) msg.imageURL = p.imageURL;
  if (p.conversationExpiresAtUnix) msg.conversationExpiresAtUnix = p.conversationExpiresAtUnix;
  if (p.expiresAtUnix) msg.expiresAtUnix = p.expiresAtUnix;
  if (p.expiresAfterUse) msg.expiresAfterUse = true;
  if (p.emoji !== undefined) msg.emoji = p.emoji;
  return InvitePayloadType.encode(InvitePayloadType.fromObject(msg)).finish();
}

function own<T>(o: object, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(o, key)
    ? ((o as Record<string, T>)[key] ?? undefined)
    : undefined;
}

/** `bytes` as the protobuf message `type`; invalid_invite with `failure` when they are not one. */
function decoded(type: { decode(bytes: Uint8Array): object }, bytes: Uint8Array, failure: string): object {
  try {
    return type.decode(bytes);
  } catch (cause) {
    throw new ConvosError("invalid_invite", failure, { cause });
  }
}

/** Decodes payload bytes for reading; throws invalid_invite on malformed protobuf. */
export function decodeInvitePayload(bytes: Uint8Array): InvitePayload {
  const m = decoded(InvitePayloadType, bytes, "invite payload is not a valid InvitePayload");
  const expiry = (k: string) => {
    const n = int64ToNumber(own(m, k));
    return n ? n : undefined; // §2.2: 0 means "not set"
  };
  return {
    conversationToken: new Uint8Array(own<Uint8Array>(m, "conversationToken") ?? []),
    creatorInboxId: toHex(own<Uint8Array>(m, "creatorInboxId") ?? new Uint8Array()),
    tag: own<string>(m, "tag") ?? "",
    name: own<string>(m, "name"),
    description: own<string>(m, "description"),
    imageURL: own<string>(m, "imageURL"),
    conversationExpiresAtUnix: expiry("conversationExpiresAtUnix"),
    expiresAtUnix: expiry("expiresAtUnix"),
    expiresAfterUse: own<boolean>(m, "expiresAfterUse") ?? false,
    emoji: own<string>(m, "emoji"),
  };
}

/** Signs SHA-256(payload) → r ‖ s ‖ recid; identical bytes for identical inputs (RFC 6979). */
export function signInvitePayload(payloadBytes: Uint8Array, privateKey: Uint8Array | string): Uint8Array {
  const digest = sha256(payloadBytes);
  // noble's "recovered" format is recid ‖ r ‖ s; the wire wants r ‖ s ‖ recid.
  const rec = secp256k1.sign(digest, privateKeyBytes(privateKey), {
    prehash: false,
    lowS: true,
    format: "recovered",
  });
  return concat(rec.subarray(1, 65), rec.subarray(0, 1));
}

/** Recovers the uncompressed public key (65 bytes) that signed the payload; bad_signature when it cannot. */
export function recoverInviteSigner(payloadBytes: Uint8Array, signature: Uint8Array): Uint8Array {
  if (signature.length !== 65 || signature[64] > 3) {
    throw new ConvosError("bad_signature", "signature must be 65 bytes r ‖ s ‖ recid(0–3)");
  }
  try {
    const rec = concat(signature.subarray(64, 65), signature.subarray(0, 64));
    const pub = secp256k1.recoverPublicKey(rec, sha256(payloadBytes), { prehash: false });
    return secp256k1.Point.fromBytes(pub).toBytes(false);
  } catch (cause) {
    throw new ConvosError("bad_signature", "signature does not recover to a public key", { cause });
  }
}

/** Uncompressed public key of a private key (04 ‖ X ‖ Y). */
export function publicKeyOf(privateKey: Uint8Array | string): Uint8Array {
  return secp256k1.getPublicKey(privateKeyBytes(privateKey), false);
}

/**
 * Creator-side check (§2.5): true only when the signature over the received bytes
 * recovers to exactly this private key's public key (constant-time compare).
 * Throws bad_signature for a malformed signature (benign), returns false for a forgery.
 */
export function isSignedBy(invite: SignedInvite, privateKey: Uint8Array | string): boolean {
  const recovered = recoverInviteSigner(invite.payloadBytes, invite.signature);
  return constantTimeEqual(recovered, publicKeyOf(privateKey));
}

/** Serializes a SignedInvite (always starts with 0x0A: field 1, length-delimited). */
export function encodeSignedInvite(payloadBytes: Uint8Array, signature: Uint8Array): Uint8Array {
  return SignedInviteType.encode(SignedInviteType.fromObject({ payload: payloadBytes, signature })).finish();
}

/** Decodes SignedInvite bytes, keeping the payload bytes verbatim; invalid_invite when malformed. */
export function decodeSignedInvite(bytes: Uint8Array): SignedInvite {
  const m = decoded(SignedInviteType, bytes, "not a SignedInvite");
  const payloadBytes = own<Uint8Array>(m, "payload");
  const signature = own<Uint8Array>(m, "signature");
  if (!payloadBytes?.length) throw new ConvosError("invalid_invite", "SignedInvite has no payload");
  if (!signature?.length) throw new ConvosError("bad_signature", "SignedInvite has no signature");
  return {
    payloadBytes: new Uint8Array(payloadBytes),
    signature: new Uint8Array(signature),
    payload: decodeInvitePayload(payloadBytes),
  };
}

export interface CreateInviteInput extends Omit<InvitePayload, "creatorInboxId" | "expiresAfterUse"> {
  creatorInboxId: string;
  expiresAfterUse?: boolean;
}

/** Builds and signs an invite; the result's payloadBytes are exactly what was signed. */
export function createSignedInvite(
  input: CreateInviteInput,
  privateKey: Uint8Array | string,
): SignedInvite & { bytes: Uint8Array } {
  if (!input.tag) throw new ConvosError("invalid_invite", "an invite needs a non-empty tag");
  if (fromHex(input.creatorInboxId).length !== 32)
    throw new ConvosError("invalid_invite", "creator inbox id must be 32 bytes of hex");
  const payload: InvitePayload = {
    ...input,
    creatorInboxId: input.creatorInboxId.toLowerCase(),
    expiresAfterUse: input.expiresAfterUse ?? false,
  };
  const payloadBytes = encodeInvitePayload(payload);
  const signature = signInvitePayload(payloadBytes, privateKey);
  return {
    payloadBytes,
    signature,
    payload: decodeInvitePayload(payloadBytes),
    bytes: encodeSignedInvite(payloadBytes, signature),
  };
}
