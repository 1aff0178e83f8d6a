/**
 * Creator → joiner replies in the DM (docs/convos-protocol.md §7.3, §7.4):
 * - `convos.org/invite_join_error:1.0`: a failed join, matched by `inviteTag`;
 *   readers map an unknown `errorType` to `conversation_expired` (as iOS does);
 * - `convos.org/invite_join_handled:1.0`: a bookkeeping marker for the creator's
 *   other installations, silent and without fallback.
 */
import { ConvosError } from "@/lib/convos/errors";
import {
  convosContentType,
  decodeJsonObject,
  encodeJson,
  isoSeconds,
  optionalString,
  type ContentCodec,
  type EncodedContent,
} from "./json";

export const ContentTypeInviteJoinError = convosContentType("invite_join_error");
export const ContentTypeInviteJoinHandled = convosContentType("invite_join_handled");

export const INVITE_JOIN_ERROR_TYPES = [
  "conversation_expired",
  "conversation_not_found",
  "consent_not_allowed",
  "generic_failure",
] as const;
export type InviteJoinErrorType = (typeof INVITE_JOIN_ERROR_TYPES)[number];
const REASON_MAX = 500;

export interface InviteJoinError {
  errorType: InviteJoinErrorType;
  inviteTag: string;
  /** ISO-8601; written with whole seconds. */
  timestamp: string;
  reason?: string;
}

export interface InviteJoinHandled {
  inviteTag: string;
  handledMessageId: string;
  timestamp: string;
}

/** Normalizes an error type as readers must: anything unknown becomes conversation_expired. */
export function toInviteJoinErrorType(v: unknown): InviteJoinErrorType {
  return (INVITE_JOIN_ERROR_TYPES as readonly unknown[]).includes(v)
    ? (v as InviteJoinErrorType)
    : "conversation_expired";
}

/** Builds an error reply with a whole-seconds timestamp and the reason cut to 500 chars. */
export function inviteJoinError(
  errorType: InviteJoinErrorType,
  inviteTag: string,
  reason?: string,
  at = new Date(),
): InviteJoinError {
  return {
    errorType,
    inviteTag,
    timestamp: isoSeconds(at),
    ...(reason ? { reason: reason.slice(0, REASON_MAX) } : {}),
  };
}

export const inviteJoinErrorCodec: ContentCodec<InviteJoinError> = {
  contentType: ContentTypeInviteJoinError,
  encode(c) {
    const body: InviteJoinError = { errorType: c.errorType, inviteTag: c.inviteTag, timestamp: c.timestamp };
    if (c.reason) body.reason = c.reason.slice(0, REASON_MAX);
    return encodeJson(ContentTypeInviteJoinError, body, this.fallback(c));
  },
  decode(content: EncodedContent) {
    const o = decodeJsonObject(content, "invite_join_error");
    const inviteTag = optionalString(o.inviteTag);
    if (inviteTag === undefined)
      throw new ConvosError("invalid_content", "invite_join_error has no inviteTag");
    const out: InviteJoinError = {
      errorType: toInviteJoinErrorType(o.errorType),
      inviteTag,
      timestamp: optionalString(o.timestamp) ?? "",
    };
    const reason = optionalString(o.reason);
    if (reason) out.reason = reason.slice(0, REASON_MAX);
    return out;
  },
  fallback: (c) =>
    c.errorType === "generic_failure"
      ? "Failed to join conversation"
      : "This conversation is no longer available",
  shouldPush: () => true,
};

export const inviteJoinHandledCodec: ContentCodec<InviteJoinHandled> = {
  contentType: ContentTypeInviteJoinHandled,
  encode: (c) =>
    encodeJson(ContentTypeInviteJoinHandled, {
      inviteTag: c.inviteTag,
      handledMessageId: c.handledMessageId,
      timestamp: c.timestamp,
    }),
  decode(content) {
    const o = decodeJsonObject(content, "invite_join_handled");
    const inviteTag = optionalString(o.inviteTag);
    if (inviteTag === undefined)
      throw new ConvosError("invalid_content", "invite_join_handled has no inviteTag");
    return {
      inviteTag,
      handledMessageId: optionalString(o.handledMessageId) ?? "",
      timestamp: optionalString(o.timestamp) ?? "",
    };
  },
  fallback: () => undefined,
  shouldPush: () => false,
};
