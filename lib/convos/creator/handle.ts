/**
 * Processing one join request as the creator (spec §6.2, following iOS
 * InviteCoordinator). The checks run strictly in the spec's order; each ends in
 * one outcome:
 *
 *   1 ledger → 2 invite expiry (silent) → 3 creator is us (silent) → 4 key (generic_failure)
 *   → 5 signature is ours (forged: DM denied, no reply; malformed: silent)
 *   → 6 conversation expiry (conversation_expired) → 7 token decrypts (silent)
 *   → 8 find group, sync once (not found: conversation_not_found; sync failed: silent)
 *   → 8a consent not denied (consent_not_allowed) → 8b a group (generic_failure)
 *   → 9 handled marker from us (stop) → 10 already a member (marker, stop)
 *   → 11 tag is current (conversation_expired) → 12 addMembers (generic_failure)
 *   → success: ledger, DM allowed, marker (typed joiners only), snapshot.
 *
 * Choices where the spec is silent: final outcomes (errors and silent drops too)
 * are recorded in the ledger, so redelivery of the same message is inert; only
 * transient failures (sync, consent read) are left unrecorded so a later pass
 * can retry. The marker of step 10 is also sent only to typed joiners, for the
 * same reason as on success (text-only clients read the latest DM messages). A
 * text copy that directly follows an already-handled typed request with the
 * same tag from the same sender is the same attempt and is recorded as such.
 */
import { Dm, type Client, type Group } from "@xmtp/node-sdk";
import {
  ContentTypeInviteJoinError,
  ContentTypeInviteJoinHandled,
  ContentTypeJoinRequest,
  inviteJoinError,
  inviteJoinErrorCodec,
  inviteJoinHandledCodec,
  isContentType,
  isoSeconds,
  profileSnapshotCodec,
  sendWithCodec,
  type InviteJoinError,
  type InviteJoinErrorType,
  type InviteJoinHandled,
  type ProfileUpdate,
} from "../codecs";
import { ConvosError } from "../errors";
import { isSignedBy } from "../invite";
import { appDataTag } from "../metadata";
import { buildProfileSnapshot, resolveProfiles } from "../profiles";
import { Consent, Direction } from "../sdk";
import { decryptConversationToken } from "../token";
import { isPast, nowUnix } from "../verify";
import type { HandledMessageLedger, HandledKind } from "./ledger";
import { readJoinRequest, type IncomingMessage, type JoinRequestMessage } from "./request";

const ERROR_DEDUPE_SCAN = 50;
const TYPED_REQUEST_SCAN = 20;
const PROFILE_SCAN = 500;

export type JoinOutcome =
  | { kind: "not_a_request" }
  | { kind: "duplicate" }
  | { kind: "ignored"; reason: string; recorded: boolean }
  | { kind: "blocked"; reason: string }
  | { kind: "rejected"; errorType: InviteJoinErrorType; replied: boolean }
  | { kind: "handled_elsewhere" }
  | { kind: "already_member"; groupId: string }
  | { kind: "joined"; groupId: string; joinerInboxId: string };

export interface CreatorContext {
  // The SDK's Client is generic over registered content types; the creator only needs the shape.
  client: Client<unknown>;
  /** The raw secp256k1 key of this inbox; null when it is not available (§6.2 step 4). */
  privateKey: Uint8Array | string | null;
  ledger: HandledMessageLedger;
  /** Unix seconds; injectable for tests. */
  now?: () => number;
  /** Joiner profiles from typed requests (provisional, §6.2 success step 4); shared across calls. */
  provisionalProfiles?: Map<string, ProfileUpdate>;
  onEvent?: (
    event:
      | { type: "outcome"; messageId: string; outcome: JoinOutcome }
      | { type: "warning"; message: string; error?: unknown },
  ) => void;
}

function emit(ctx: CreatorContext, event: Parameters<NonNullable<CreatorContext["onEvent"]>>[0]): void {
  try {
    ctx.onEvent?.(event);
  } catch {
    // a failing listener must not break request processing
  }
}

type DmMessage = IncomingMessage & { id: string };

async function recentMessages(dm: Dm<unknown>, limit: number): Promise<DmMessage[]> {
  return (await dm.messages({ limit, direction: Direction.Descending })) as DmMessage[];
}

/** §6.4: sends at most one error per attempt (none if we already answered this tag after the request). */
async function reply(
  ctx: CreatorContext,
  dm: Dm<unknown>,
  req: JoinRequestMessage,
  errorType: InviteJoinErrorType,
  reason?: string,
): Promise<JoinOutcome> {
  const tag = req.invite.payload.tag;
  const recent = await recentMessages(dm, ERROR_DEDUPE_SCAN);
  const already = recent.some(
    (m) =>
      m.senderInboxId === ctx.client.inboxId &&
      isContentType(m.contentType, ContentTypeInviteJoinError) &&
      (m.content as InviteJoinError | undefined)?.inviteTag === tag &&
      m.sentAtNs > req.message.sentAtNs,
  );
  if (!already) await sendWithCodec(dm, inviteJoinErrorCodec, inviteJoinError(errorType, tag, reason));
  await ctx.ledger.record(req.message.id, "rejected");
  return { kind: "rejected", errorType, replied: !already };
}

async function silent(
  ctx: CreatorContext,
  req: JoinRequestMessage,
  reason: string,
  record = true,
): Promise<JoinOutcome> {
  if (record) await ctx.ledger.record(req.message.id, "ignored");
  return { kind: "ignored", reason, recorded: record };
}

/** The joiner sent a typed join_request among the last 20 DM messages (§6.2 success step 3). */
async function joinerSentTyped(dm: Dm<unknown>, joiner: string): Promise<boolean> {
  const recent = await recentMessages(dm, TYPED_REQUEST_SCAN);
  return recent.some(
    (m) => m.senderInboxId === joiner && isContentType(m.contentType, ContentTypeJoinRequest),
  );
}

async function sendHandledMarker(
  ctx: CreatorContext,
  dm: Dm<unknown>,
  req: JoinRequestMessage,
): Promise<void> {
  if (!(await joinerSentTyped(dm, req.message.senderInboxId))) return;
  const marker: InviteJoinHandled = {
    inviteTag: req.invite.payload.tag,
    handledMessageId: req.message.id,
    timestamp: isoSeconds(),
  };
  await sendWithCodec(dm, inviteJoinHandledCodec, marker);
}

/** Sends a profile_snapshot of the current members to the group (§8.2); failures only warn. */
export async function sendProfileSnapshot(
  ctx: Pick<CreatorContext, "provisionalProfiles" | "onEvent">,
  group: Group<unknown>,
): Promise<void> {
  try {
    const [messages, members] = await Promise.all([
      group.messages({ limit: PROFILE_SCAN, direction: Direction.Descending }),
      group.members(),
    ]);
    const profiles = resolveProfiles(messages as IncomingMessage[], group.appData, ctx.provisionalProfiles);
    await sendWithCodec(
      group,
      profileSnapshotCodec,
      buildProfileSnapshot(
        members.map((m) => m.inboxId),
        profiles,
      ),
    );
  } catch (error) {
    emit(ctx as CreatorContext, { type: "warning", message: "could not send the profile snapshot", error });
  }
}

/** Is this text the plain copy of a typed request from the same attempt that we already handled? */
async function isCopyOfHandledTyped(
  ctx: CreatorContext,
  dm: Dm<unknown>,
  req: JoinRequestMessage,
): Promise<boolean> {
  if (req.typed) return false;
  const recent = await recentMessages(dm, ERROR_DEDUPE_SCAN);
  const before = recent.find(
    (m) =>
      m.senderInboxId === req.message.senderInboxId &&
      m.sentAtNs < req.message.sentAtNs &&
      m.id !== req.message.id,
  );
  if (!before || !isContentType(before.contentType, ContentTypeJoinRequest)) return false;
  const prev = readJoinRequest(before);
  return !!prev && prev.invite.payload.tag === req.invite.payload.tag && (await ctx.ledger.has(before.id));
}

async function finish(
  ctx: CreatorContext,
  req: JoinRequestMessage,
  kind: HandledKind,
  outcome: JoinOutcome,
): Promise<JoinOutcome> {
  await ctx.ledger.record(req.message.id, kind);
  return outcome;
}

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
  // 7. Token.
  let groupId: string;
  try {
    groupId = decryptConversationToken(payload.conversationToken, client.inboxId, ctx.privateKey);
  } catch (e) {
    return silent(ctx, req, e instanceof ConvosError ? e.code : "token does not decrypt");
  }
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
  return { kind: "joined", groupId, joinerInboxId: joiner };
}
