/**
 * The creator's side effects in a DM and a group (docs/convos-protocol.md §6.2 success steps,
 * §6.4 reply dedupe, §8.2 snapshots), each guarded by the scans the protocol asks
 * for so that one attempt gets at most one error reply and one marker.
 */
import type { Dm, Group } from "@xmtp/node-sdk";
import {
  ContentTypeInviteJoinError,
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
} from "@/lib/convos/codecs";
import { buildProfileSnapshot, resolveProfiles } from "@/lib/convos/profiles";
import { Direction } from "@/lib/convos/sdk";
import { emit, type CreatorContext, type JoinOutcome } from "./context";
import type { HandledKind } from "./ledger";
import { readJoinRequest, type IncomingMessage, type JoinRequestMessage } from "./request";

export const ERROR_DEDUPE_SCAN = 50;
const TYPED_REQUEST_SCAN = 20;
const PROFILE_SCAN = 500;

type DmMessage = IncomingMessage & { id: string };

export async function recentMessages(dm: Dm<unknown>, limit: number): Promise<DmMessage[]> {
  return (await dm.messages({ limit, direction: Direction.Descending })) as DmMessage[];
}

/** §6.4: sends at most one error per attempt (none if we already answered this tag after the request). */
export async function reply(
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

export async function silent(
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

export async function sendHandledMarker(
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
export async function isCopyOfHandledTyped(
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

export async function finish(
  ctx: CreatorContext,
  req: JoinRequestMessage,
  kind: HandledKind,
  outcome: JoinOutcome,
): Promise<JoinOutcome> {
  await ctx.ledger.record(req.message.id, kind);
  return outcome;
}
