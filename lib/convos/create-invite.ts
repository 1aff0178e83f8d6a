/**
 * Issuing an invite for a group the caller owns (docs/convos-protocol.md §2.3, §4.1): the tag and
 * explode time come from the group's current appData, the emoji from appData
 * field 6 (or the default derivation), and preview fields only when asked for.
 */
import { ConvosError } from "./errors";
import { emojiForConversation } from "./emoji";
import { createSignedInvite, type SignedInvite } from "./invite";
import { readAppDataForDisplay } from "./metadata";
import { encodeSlug } from "./slug";
import { encryptConversationToken } from "./token";
import { buildInviteUrl, type XmtpEnv } from "./url";

export interface CreateInviteOptions {
  /** The XMTP group id (32 hex). */
  conversationId: string;
  /** The inbox that owns the group, and whose key signs. */
  creatorInboxId: string;
  privateKey: Uint8Array | string;
  /** The group's current appData string; it must hold a tag. */
  appData: string;
  env: XmtpEnv;
  /** Unix seconds; leave out for an invite that does not expire. */
  expiresAtUnix?: number;
  singleUse?: boolean;
  /** Public preview, readable by anyone holding the link: only on purpose. */
  preview?: { name?: string; description?: string; imageURL?: string };
}

export interface IssuedInvite {
  slug: string;
  url: string;
  tag: string;
  invite: SignedInvite;
}

/** Signs a fresh invite (random token nonce, so every call gives a new slug) for the group's current tag. */
export function createInvite(o: CreateInviteOptions): IssuedInvite {
  const meta = readAppDataForDisplay(o.appData);
  if (!meta.tag)
    throw new ConvosError(
      "invalid_metadata",
      "the group's appData has no tag: set one before issuing invites",
    );
  const invite = createSignedInvite(
    {
      conversationToken: encryptConversationToken(o.conversationId, o.creatorInboxId, o.privateKey),
      creatorInboxId: o.creatorInboxId,
      tag: meta.tag,
      emoji: meta.emoji ?? emojiForConversation(o.conversationId),
      expiresAfterUse: o.singleUse ?? false,
      ...(o.expiresAtUnix ? { expiresAtUnix: o.expiresAtUnix } : {}),
      ...(meta.expiresAtUnix ? { conversationExpiresAtUnix: meta.expiresAtUnix } : {}),
      ...(o.preview ?? {}),
    },
    o.privateKey,
  );
  const slug = encodeSlug(invite.bytes);
  return { slug, url: buildInviteUrl(slug, o.env), tag: meta.tag, invite };
}
