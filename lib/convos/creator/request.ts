/**
 * Recognizing a join request in a DM message (docs/convos-protocol.md §6.2 "Inputs"): a typed
 * `convos.org/join_request:1.0`, or a plain text that decodes as an invite by
 * the rules of §4.3–4.4. Anything else is not a request and is ignored, never
 * blocked (§4.5).
 */
import type { ContentTypeId } from "@/lib/convos/codecs/json";
import {
  ContentTypeJoinRequest,
  isContentType,
  MemberKind,
  type JoinRequest,
  type ProfileUpdate,
} from "@/lib/convos/codecs";
import type { SignedInvite } from "@/lib/convos/invite";
import { parseInvite } from "@/lib/convos/url";

/** The fields of a node-sdk DecodedMessage the creator reads. */
export interface IncomingMessage {
  id: string;
  conversationId: string;
  senderInboxId: string;
  contentType?: ContentTypeId | null;
  content: unknown;
  sentAtNs: bigint;
}

export interface JoinRequestMessage {
  message: IncomingMessage;
  /** True for the typed content type, false for a text slug. */
  typed: boolean;
  invite: SignedInvite;
  /** The joiner's self-description from a typed request: provisional, below every other source (§8.3). */
  profile?: ProfileUpdate;
}

const TEXT: ContentTypeId = { authorityId: "xmtp.org", typeId: "text", versionMajor: 1, versionMinor: 0 };

/** True for the content types the creator inspects at all: text and join_request. */
export function isJoinRequestCandidate(m: Pick<IncomingMessage, "contentType">): boolean {
  return isContentType(m.contentType, TEXT) || isContentType(m.contentType, ContentTypeJoinRequest);
}

/** The join request in a message, or null when it is not one (including an undecodable typed slug). */
export function readJoinRequest(message: IncomingMessage): JoinRequestMessage | null {
  if (isContentType(message.contentType, ContentTypeJoinRequest)) {
    const body = message.content as JoinRequest | undefined;
    if (!body || typeof body.inviteSlug !== "string") return null;
    const parsed = parseInvite(body.inviteSlug);
    if (!parsed.ok) return null;
    const p = body.profile;
    const profile: ProfileUpdate | undefined = p
      ? {
          ...(p.name !== undefined ? { name: p.name } : {}),
          memberKind: p.memberKind === "agent" ? MemberKind.Agent : MemberKind.Unspecified,
        }
      : undefined;
    return { message, typed: true, invite: parsed.invite, profile };
  }
  if (isContentType(message.contentType, TEXT) && typeof message.content === "string") {
    const parsed = parseInvite(message.content);
    return parsed.ok ? { message, typed: false, invite: parsed.invite } : null;
  }
  return null;
}
