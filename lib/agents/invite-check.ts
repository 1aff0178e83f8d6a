/**
 * Checks a pasted invite before anything is claimed (a join-claim): it must
 * parse, be for this deployment's XMTP environment, carry a signature that
 * recovers, not be expired, and not be for a conversation one of our own
 * identities created. Each failure becomes an AppError with a message a person
 * can act on.
 */
import {
  checkInviteForJoiner,
  ConvosError,
  parseInvite,
  type ConvosErrorCode,
  type XmtpEnv,
} from "@/lib/convos";
import { AppError } from "@/lib/errors";

export interface CheckedInvite {
  creatorInboxId: string;
  tag: string;
  /** The canonical key of the invite's conversation: one agent per key. */
  key: string;
  code: string;
}

const MESSAGES: Partial<Record<ConvosErrorCode, string>> = {
  not_an_invite: "That is not a Convos invite link. Paste the invite URL from the Convos app.",
  invalid_invite: "That invite link is damaged or incomplete. Copy it again from the Convos app.",
  too_large: "That invite link is too large to be a Convos invite.",
  bad_signature: "That invite's signature is not valid. Ask for a new invite.",
  expired_invite: "That invite has expired. Ask the conversation's creator for a new one.",
  conversation_expired: "That conversation has ended (it exploded), so no one can join it.",
  wrong_environment: "That invite is for a different XMTP network than this server uses.",
};

export const MAX_INVITE_URL_LENGTH = 16 * 1024;

/** Parses and verifies an invite for joining; throws AppError with code `invalid_invite_url` or the protocol's code. */
export function checkInviteForClaim(url: string, env: XmtpEnv): CheckedInvite {
  if (url.length > MAX_INVITE_URL_LENGTH) {
    throw new AppError("invalid_invite_url", MESSAGES.too_large!, 400);
  }
  const parsed = parseInvite(url.trim(), { env });
  try {
    if (!parsed.ok) throw parsed.error;
    checkInviteForJoiner(parsed.invite);
    const { creatorInboxId, tag } = parsed.invite.payload;
    return { creatorInboxId, tag, key: `${creatorInboxId}:${tag}`, code: parsed.code };
  } catch (error) {
    if (error instanceof ConvosError) {
      throw new AppError(
        error.code === "not_an_invite" ? "invalid_invite_url" : error.code,
        messageFor(error.code),
      );
    }
    throw error;
  }
}

function messageFor(code: ConvosErrorCode): string {
  return MESSAGES[code] ?? "That invite link cannot be used. Ask for a new one.";
}
