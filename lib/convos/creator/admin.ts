/**
 * Owning a conversation (docs/convos-protocol.md §5, §8.2, §9): creating a group with a tag and
 * emoji in appData, issuing invites, revoking (rotate the tag), lock/unlock.
 * Every appData write is a read-modify-write that keeps unknown fields and
 * refuses to overwrite metadata it cannot decode.
 */
import type { Client, Group } from "@xmtp/node-sdk";
import { profileUpdateCodec, sendWithCodec, type ProfileUpdate } from "@/lib/convos/codecs";
import { createInvite, type CreateInviteOptions, type IssuedInvite } from "@/lib/convos/create-invite";
import { emojiForConversation } from "@/lib/convos/emoji";
import { updateAppData } from "@/lib/convos/metadata";
import { Permission } from "@/lib/convos/sdk";
import { generateTag } from "@/lib/convos/tag";
import type { XmtpEnv } from "@/lib/convos/url";
import { sendProfileSnapshot } from "./handle";

export interface CreateConversationOptions {
  name?: string;
  description?: string;
  imageUrl?: string;
  /** Explode time in Unix seconds (never 0). */
  expiresAtUnix?: number;
  /** Our own profile, sent as profile_update (agents: memberKind 1). */
  profile?: ProfileUpdate;
}

/** Creates a group owned by `client` with a fresh tag and emoji in appData, our profile and a snapshot. */
export async function createConvosConversation(
  client: Client<unknown>,
  o: CreateConversationOptions = {},
): Promise<Group<unknown>> {
  const group = await client.conversations.createGroup([], {
    ...(o.name ? { groupName: o.name } : {}),
    ...(o.description ? { groupDescription: o.description } : {}),
    ...(o.imageUrl ? { groupImageUrlSquare: o.imageUrl } : {}),
  });
  const appData = updateAppData(group.appData, {
    tag: generateTag(),
    emoji: emojiForConversation(group.id),
    ...(o.expiresAtUnix ? { expiresAtUnix: o.expiresAtUnix } : {}),
  });
  await group.updateAppData(appData);
  if (o.profile) await sendWithCodec(group, profileUpdateCodec, o.profile);
  await sendProfileSnapshot(
    { provisionalProfiles: o.profile ? new Map([[client.inboxId, o.profile]]) : undefined },
    group,
  );
  return group;
}

/** A new invite for the group's current tag, signed with the owner's key. */
export async function inviteToConversation(
  client: Client<unknown>,
  group: Group<unknown>,
  privateKey: Uint8Array | string,
  env: XmtpEnv,
  extra: Pick<CreateInviteOptions, "expiresAtUnix" | "singleUse" | "preview"> = {},
): Promise<IssuedInvite> {
  await group.sync();
  return createInvite({
    conversationId: group.id,
    creatorInboxId: client.inboxId,
    privateKey,
    appData: group.appData,
    env,
    ...extra,
  });
}

/** Revokes every outstanding invite by rotating the tag; returns the new tag. */
export async function revokeInvites(group: Group<unknown>): Promise<string> {
  await group.sync();
  const tag = generateTag();
  await group.updateAppData(updateAppData(group.appData, { tag }));
  return tag;
}

/** Lock: rotate the tag, then deny addMember (docs/convos-protocol.md §9). */
export async function lockConversation(group: Group<unknown>): Promise<string> {
  const tag = await revokeInvites(group);
  await group.updatePermission(Permission.AddMember, Permission.Deny);
  return tag;
}

/** Unlock: allow addMember again; the tag stays, so invites from before the lock stay dead (§9, as iOS). */
export async function unlockConversation(group: Group<unknown>): Promise<void> {
  await group.updatePermission(Permission.AddMember, Permission.Allow);
}

/** True when the group's addMember permission is deny: how Convos clients read a locked conversation. */
export function isLocked(group: Group<unknown>): boolean {
  return group.permissions().policySet.addMemberPolicy === Permission.Deny;
}
