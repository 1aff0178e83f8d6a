/**
 * Carrying out one change to a conversation's invites on its group, in the
 * worker running its identity (lib/invites/requests.ts brings the request):
 *
 *   revoke   rotate the tag (every earlier link dies, §9), then sign a new invite with the request's
 *            expiry and single use; while locked, only the rotation (no link would let anyone in);
 *   lock     rotate the tag and deny addMember: how Convos clients (iOS, the CLI's `conversation lock`)
 *            express a locked conversation; nobody new joins, whatever link they hold;
 *   unlock   allow addMember again and sign a new invite (links from before the lock stay dead);
 *   refresh  change nothing, only read.
 *
 * Every change ends with a read of what the list shows: name, member count, lock, and whether a
 * single-use invite was spent (its tag rotated by the creator, lib/convos/creator/handle.ts step 11a).
 * Only the conversation's creator changes its invites: a conversation the agent joined, or was added to
 * by someone else (it is not its super admin), is refused.
 */
import {
  appDataTag,
  inviteToConversation,
  isLocked,
  lockConversation,
  revokeInvites,
  unlockConversation,
  type XmtpEnv,
} from "@/lib/convos";
import {
  InviteChangeRefused,
  type ConversationState,
  type InviteRequestRow,
  type StoredInvite,
} from "@/lib/invites/requests";
import type { OwnedConversation } from "@/workers/agents/runtime/contracts";

export interface ChangeOutcome {
  result: string;
  state: ConversationState;
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** "New invite link (single-use, until …): URL". */
function linkLine(url: string, r: Pick<InviteRequestRow, "expiresAt" | "singleUse">): string {
  const traits = [r.singleUse ? "single-use" : "", r.expiresAt ? `until ${utc(r.expiresAt)}` : ""].filter(
    Boolean,
  );
  return `New invite link${traits.length ? ` (${traits.join(", ")})` : ""}: ${url}`;
}

/** Signs a new invite for the group's current tag with the request's options; the state it leaves. */
async function newInvite(c: OwnedConversation, env: XmtpEnv, r: InviteRequestRow) {
  const issued = await inviteToConversation(c.client, c.group, c.privateKey, env, {
    ...(r.expiresAt ? { expiresAtUnix: Math.floor(r.expiresAt.getTime() / 1000) } : {}),
    singleUse: r.singleUse,
  });
  const state: ConversationState = {
    inviteUrl: issued.url,
    inviteTag: issued.tag,
    inviteExpiresAt: r.expiresAt,
    inviteSingleUse: r.singleUse,
    inviteUsedAt: null,
  };
  return { url: issued.url, state };
}

/** Carries out `r` on the conversation; throws InviteChangeRefused with the line to say when it may not. */
export async function applyInviteChange(
  c: OwnedConversation,
  env: XmtpEnv,
  r: InviteRequestRow,
  stored: StoredInvite,
): Promise<ChangeOutcome> {
  const { group } = c;
  await group.sync();
  const name = group.name || "this conversation";
  // A joiner's conversation, or one the agent was added to (not its super admin), is its creator's.
  const owned = c.role === "creator" && group.isSuperAdmin(c.client.inboxId);
  if (!owned && r.action !== "refresh")
    throw new InviteChangeRefused(`I didn't create "${name}", I joined it: its invites are its creator's.`);
  const locked = owned && isLocked(group);
  let result = "";
  let state: ConversationState = {};
  if (r.action === "revoke") {
    await revokeInvites(group);
    if (locked) {
      state = { inviteTag: appDataTag(group.appData) };
      result = `Revoked: earlier links to "${name}" no longer work. It is still locked: /unlock gives a new link.`;
    } else {
      const issued = await newInvite(c, env, r);
      state = issued.state;
      result = `Revoked: earlier links to "${name}" no longer work. ${linkLine(issued.url, r)}`;
    }
  } else if (r.action === "lock") {
    if (locked) result = `"${name}" is already locked.`;
    else {
      state = { inviteTag: await lockConversation(group), lockedAt: new Date() };
      result = `Locked "${name}": nobody new can join, and every invite link to it stopped working. /unlock opens it again.`;
    }
  } else if (r.action === "unlock") {
    if (!locked) throw new InviteChangeRefused(`"${name}" is not locked.`);
    await unlockConversation(group);
    const issued = await newInvite(c, env, r);
    state = { ...issued.state, lockedAt: null };
    result = `Unlocked "${name}": links from before the lock stay dead. ${linkLine(issued.url, r)}`;
  }
  return { result, state: { ...(await readState(c, stored)), ...state } };
}

/** What the list shows, read from the group: name, members, lock, a spent single-use invite. */
export async function readState(c: OwnedConversation, stored: StoredInvite): Promise<ConversationState> {
  const { group } = c;
  const members = await group.members();
  const state: ConversationState = { conversationName: group.name || null, memberCount: members.length };
  if (c.role !== "creator" || !group.isSuperAdmin(c.client.inboxId)) return state;
  const locked = isLocked(group);
  state.lockedAt = locked ? (stored.lockedAt ?? new Date()) : null;
  const rotated = stored.inviteTag !== null && appDataTag(group.appData) !== stored.inviteTag;
  if (stored.inviteSingleUse && !stored.inviteUsedAt && rotated && !locked) state.inviteUsedAt = new Date();
  return state;
}
