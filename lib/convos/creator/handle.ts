/**
 * Processing one join request as the creator (docs/convos-protocol.md §6.2, following iOS
 * InviteCoordinator). The checks run strictly in the protocol's order; each ends in
 * one outcome:
 *
 *   1 ledger → 2 invite expiry (silent) → 3 creator is us (silent) → 4 key (generic_failure)
 *   → 5 signature is ours (forged: DM denied, no reply; malformed: silent)
 *   → 6 conversation expiry, or closed by its owner (conversation_expired) → 7 token decrypts (silent)
 *   → 8 find group, sync once (not found: conversation_not_found; sync failed: silent)
 *   → 8a consent not denied (consent_not_allowed) → 8b a group (generic_failure)
 *   → 9 handled marker from us (stop) → 10 already a member (marker, stop)
 *   → 11 tag is current (conversation_expired)
 *   → 11a a single-use invite is spent: the tag rotates (generic_failure when it cannot)
 *   → 12 addMembers (generic_failure)
 *   → success: ledger, DM allowed, marker (typed joiners only), snapshot.
 *
 * Choices where the protocol is silent: final outcomes (errors and silent drops too)
 * are recorded in the ledger, so redelivery of the same message is inert; only
 * transient failures (sync, consent read) are left unrecorded so a later pass
 * can retry. The marker of step 10 is also sent only to typed joiners, for the
 * same reason as on success (text-only clients read the latest DM messages). A
 * text copy that directly follows an already-handled typed request with the
 * same tag from the same sender is the same attempt and is recorded as such.
 *
 * Single-use invites (step 11a): the protocol calls `expiresAfterUse` advisory
 * and no other creator enforces it; ours do, for the invites they signed. The
 * tag is rotated before the joiner is added, so the invite is spent by its
 * first admitted request even when the add then fails or the process dies
 * (a spent link that let nobody in, never a link that lets two in); the
 * serial queue of the runner means a second request is checked only after
 * the rotation, and fails step 11 like a revoked invite.
 */
import { Dm, type Group } from "@xmtp/node-sdk";
import { ContentTypeInviteJoinHandled, isContentType, type InviteJoinHandled } from "@/lib/convos/codecs";
import { ConvosError } from "@/lib/convos/errors";
import { isSignedBy } from "@/lib/convos/invite";
import { appDataTag, updateAppData } from "@/lib/convos/metadata";
import { Consent } from "@/lib/convos/sdk";
import { generateTag } from "@/lib/convos/tag";
import { decryptConversationToken } from "@/lib/convos/token";
import { isPast, nowUnix } from "@/lib/convos/verify";
import { emit, type CreatorContext, type JoinOutcome } from "./context";
import {
  ERROR_DEDUPE_SCAN,
  finish,
  isCopyOfHandledTyped,
  recentMessages,
  reply,
  sendHandledMarker,
  sendProfileSnapshot,
  silent,
} from "./replies";
import { readJoinRequest, type IncomingMessage, type JoinRequestMessage } from "./request";

export type { CreatorContext, JoinOutcome } from "./context";
export { sendProfileSnapshot } from "./replies";

/**
 * Handles one DM message as a possible join request, in the order of §6.2.
 * Guarantees: never throws for anything the joiner controls; at most one error
 * reply per attempt; a message id recorded in the ledger is never acted on again.
 */
export async function handleJoinRequestMessage(
  ctx: CreatorContext,
  message: IncomingMessage,
): Promise<JoinOutcome> {
  const outcome = await handle(ctx, message);
  emit(ctx, { type: "outcome", messageId: message.id, outcome });
  return outcome;
}

async function handle(ctx: CreatorContext, message: IncomingMessage): Promise<JoinOutcome> {
  const { client } = ctx;
  if (message.senderInboxId === client.inboxId) return { kind: "not_a_request" };
  const req = readJoinRequest(message);
  if (!req) return { kind: "not_a_request" };
  const dm = await client.conversations.getConversationById(message.conversationId);
  if (!(dm instanceof Dm)) return { kind: "not_a_request" }; // join requests only count in DMs
  if (dm.consentState() === Consent.Denied)
    return { kind: "ignored", reason: "DM is blocked", recorded: false };

  // 1. Ledger.
  if (await ctx.ledger.has(message.id)) return { kind: "duplicate" };
  if (await isCopyOfHandledTyped(ctx, dm, req)) return finish(ctx, req, "ignored", { kind: "duplicate" });

  const { payload } = req.invite;
  const now = (ctx.now ?? nowUnix)();
  // 2. Invite expiry: benign, silent.
  if (isPast(payload.expiresAtUnix, now)) return silent(ctx, req, "invite expired");
  // 3. The invite names us.
  if (!payload.creatorInboxId || payload.creatorInboxId !== client.inboxId.toLowerCase())
    return silent(ctx, req, "invite is for another creator");
  // 4. Our key.
  if (!ctx.privateKey) return reply(ctx, dm, req, "generic_failure", "PrivateKeyUnavailable");
  // 5. Signature recovers to our own key.
  let ours: boolean;
  try {
    ours = isSignedBy(req.invite, ctx.privateKey);
  } catch {
    return silent(ctx, req, "malformed signature");
  }
  if (!ours) {
    dm.updateConsentState(Consent.Denied); // forged invite: block the sender, say nothing
    await ctx.ledger.record(message.id, "ignored");
    return { kind: "blocked", reason: "signature is not the creator's" };
  }
  // 6. Conversation expiry (after the signature, so forgeries cannot trigger replies).
  if (isPast(payload.conversationExpiresAtUnix, now))
    return reply(ctx, dm, req, "conversation_expired", "conversation has expired");
  // 6'. Closed by its owner (not in the protocol's list: answered like an expiry, for the same reason).
  const closed = ctx.closed?.();
  if (closed) return reply(ctx, dm, req, "conversation_expired", closed);
  // 7. Token.
  let groupId: string;
  try {
    groupId = decryptConversationToken(payload.conversationToken, client.inboxId, ctx.privateKey);
  } catch (e) {
    return silent(ctx, req, e instanceof ConvosError ? e.code : "token does not decrypt");
  }
  return admit(ctx, dm, req, groupId);
}

/** Steps 8 to 12, for a request whose invite is ours and whose token names `groupId`. */
async function admit(
  ctx: CreatorContext,
  dm: Dm,
  req: JoinRequestMessage,
  groupId: string,
): Promise<JoinOutcome> {
  const { client } = ctx;
  const { message } = req;
  const { payload } = req.invite;
  // 8. Find the conversation, syncing once.
  let conversation = await client.conversations.getConversationById(groupId);
  if (!conversation) {
    try {
      await client.conversations.sync();
    } catch {
      return silent(ctx, req, "conversation sync failed", false);
    }
    conversation = await client.conversations.getConversationById(groupId);
    if (!conversation) return reply(ctx, dm, req, "conversation_not_found");
  }
  // 8a. Consent (unknown is fine: another installation may not have the record yet).
  let consent: number;
  try {
    consent = conversation.consentState();
  } catch {
    return silent(ctx, req, "could not read the conversation consent", false);
  }
  if (consent === Consent.Denied) return reply(ctx, dm, req, "consent_not_allowed");
  // 8b. A group, not a DM.
  if (conversation instanceof Dm) return reply(ctx, dm, req, "generic_failure", "NotAGroup");
  const group = conversation as Group<unknown>;
  const joiner = message.senderInboxId;
  // 9. Another installation's handled marker.
  const recent = await recentMessages(dm, ERROR_DEDUPE_SCAN);
  const marked = recent.some(
    (m) =>
      m.senderInboxId === client.inboxId &&
      isContentType(m.contentType, ContentTypeInviteJoinHandled) &&
      (m.content as InviteJoinHandled | undefined)?.inviteTag === payload.tag &&
      m.sentAtNs >= message.sentAtNs,
  );
  if (marked) return finish(ctx, req, "handled_elsewhere", { kind: "handled_elsewhere" });
  // 10. Already a member.
  try {
    await group.sync();
  } catch {
    return silent(ctx, req, "group sync failed", false);
  }
  const members = await group.members();
  if (members.some((m) => m.inboxId === joiner)) {
    await ctx.ledger.record(message.id, "already_member");
    await sendHandledMarker(ctx, dm, req);
    return { kind: "already_member", groupId };
  }
  // 11. Revocation: the invite's tag must be the group's current tag.
  if (appDataTag(group.appData) !== payload.tag) {
    return reply(
      ctx,
      dm,
      req,
      "conversation_expired",
      "invite tag revoked or rotated since the invite was created",
    );
  }
  // 11a. A single-use invite is spent by this request: rotate the tag first (see the header).
  if (payload.expiresAfterUse) {
    try {
      await group.updateAppData(updateAppData(group.appData, { tag: generateTag() }));
    } catch (e) {
      return reply(ctx, dm, req, "generic_failure", e instanceof Error ? e.constructor.name : "Error");
    }
  }
  // 12. Add. The reason carries only the error's type name: the joiner is untrusted.
  try {
    await group.addMembers([joiner]);
  } catch (e) {
    return reply(ctx, dm, req, "generic_failure", e instanceof Error ? e.constructor.name : "Error");
  }
  await ctx.ledger.record(message.id, "joined");
  dm.updateConsentState(Consent.Allowed);
  await sendHandledMarker(ctx, dm, req);
  if (req.profile && ctx.provisionalProfiles) ctx.provisionalProfiles.set(joiner, req.profile);
  await sendProfileSnapshot(ctx, group);
  return { kind: "joined", groupId, joinerInboxId: joiner, ...(payload.expiresAfterUse && { spent: true }) };
}
