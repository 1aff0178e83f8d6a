/**
 * Typed failures of the Convos protocol. Every function of lib/convos that can
 * fail on outside input throws (or returns) a ConvosError with a stable `code`,
 * so a server action or a worker can map it to a clear message without parsing
 * error strings. Library errors are wrapped, never leaked as-is: their messages
 * can hold inbox ids and storage internals (docs/convos-protocol.md §6.2 step 12).
 */
export type ConvosErrorCode =
  | "not_an_invite" // the text holds no invite code at all (§4.5): ignore, never block
  | "invalid_invite" // an invite code that does not decode (framing, protobuf, fields)
  | "bad_signature" // the signature is malformed or does not recover to a key
  | "wrong_creator" // the signature recovers, but not to the creator's key (forged)
  | "expired_invite" // InvitePayload.expiresAtUnix has passed
  | "conversation_expired" // conversationExpiresAtUnix has passed, or the tag was revoked
  | "wrong_environment" // the invite URL names another XMTP environment than ours
  | "too_large" // a size limit of the protocol was exceeded (decompression, appData 8 KiB)
  | "tampered_token" // the conversation token does not decrypt (wrong key, AAD, bytes)
  | "invalid_token" // the token is too short, has an unknown version or bad packing
  | "invalid_metadata" // appData that cannot be decoded, or would be unsafe to write
  | "invalid_content" // a Convos content type whose body does not decode
  | "own_invite" // the invite is for a conversation we created ourselves
  | "rejected" // the creator answered with invite_join_error
  | "timeout"; // nothing happened in time; retryable

export class ConvosError extends Error {
  readonly code: ConvosErrorCode;

  constructor(code: ConvosErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConvosError";
    this.code = code;
  }
}

/** True when `e` is a ConvosError, optionally with one of the given codes. */
export function isConvosError(e: unknown, ...codes: ConvosErrorCode[]): e is ConvosError {
  return e instanceof ConvosError && (codes.length === 0 || codes.includes(e.code));
}
