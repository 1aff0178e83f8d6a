/**
 * Joining someone's conversation through an invite (docs/convos-protocol.md §6.1).
 *
 * Flow: parse and check the invite locally (nothing is sent for a bad one) →
 * if a group with the invite's tag is already ours, done → DM the creator the
 * typed join_request, then the plain slug (older iOS and web read only text) →
 * wait. No acceptance message exists: the join succeeded when a group arrives
 * whose appData tag equals the invite's tag (post-add verification, docs/convos-protocol.md §6.1 step 6);
 * it failed when the creator's invite_join_error with that tag arrives after
 * our request. Some rejections are silent, so waiting ends in a retryable
 * timeout. Streams wake the wait early; a periodic sync (iOS syncs every 3 s)
 * is the fallback when a stream misses something.
 *
 * A retry is simply another `join` call with the same client: it first looks
 * for the group, then sends a new request in the same DM.
 */
import type { Client, Group } from "@xmtp/node-sdk";
import {
  ContentTypeInviteJoinError,
  MemberKind,
  isContentType,
  joinRequestCodec,
  profileUpdateCodec,
  sendWithCodec,
  toInviteJoinErrorType,
  type InviteJoinError,
  type ProfileUpdate,
} from "@/lib/convos/codecs";
import { ConvosError } from "./errors";
import type { SignedInvite } from "./invite";
import { appDataTag } from "./metadata";
import { Consent } from "./sdk";
import { parseInvite, type XmtpEnv } from "./url";
import { checkInviteForJoiner } from "./verify";
import { discardQueue } from "@/lib/xmtp/stream";

export type JoinResult =
  | { status: "joined"; group: Group<unknown>; invite: SignedInvite; alreadyMember: boolean }
  | { status: "expired"; error: ConvosError } // invite or conversation expiry, checked locally
  | { status: "invalid"; error: ConvosError } // not an invite, undecodable, bad signature, other network, our own
  | { status: "rejected"; error: InviteJoinError } // the creator's invite_join_error (revoked tags come as conversation_expired)
  | { status: "timed_out"; retryable: true; invite: SignedInvite };

export interface JoinOptions {
  client: Client<unknown>;
  /** Our XMTP environment: an invite link for the other network is refused. */
  env?: XmtpEnv;
  /** Our profile: sent in the request, and as profile_update once joined. Agents set memberKind 1. */
  profile?: { name?: string; imageURL?: string; memberKind?: number };
  metadata?: Record<string, string>;
  /** Inboxes the product controls besides this client's (§6.1 step 1: "is this invite ours?"). */
  isOwnInbox?: (inboxId: string) => boolean;
  /** Default 60 s, as the CLI. */
  timeoutMs?: number;
  /** Fallback sync period. Default 3 s, as iOS. */
  syncIntervalMs?: number;
  signal?: AbortSignal;
  now?: () => number;
}

/** Finds our group whose appData tag equals `tag` (post-add verification); consent is left alone otherwise. */
async function findGroupWithTag(client: Client<unknown>, tag: string): Promise<Group<unknown> | undefined> {
  for (const group of client.conversations.listGroups()) {
    if (appDataTag(group.appData) === tag) return group;
  }
  return undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

async function finishJoin(
  o: JoinOptions,
  group: Group<unknown>,
  invite: SignedInvite,
  alreadyMember: boolean,
): Promise<JoinResult> {
  group.updateConsentState(Consent.Allowed);
  if (!alreadyMember && o.profile) {
    const update: ProfileUpdate = { memberKind: o.profile.memberKind ?? MemberKind.Unspecified };
    if (o.profile.name !== undefined) update.name = o.profile.name;
    await sendWithCodec(group, profileUpdateCodec, update);
  }
  return { status: "joined", group, invite, alreadyMember };
}

/**
 * Joins the conversation of an invite URL or code. Never throws for a bad
 * invite or a refusal: every outcome is a typed JoinResult. Network errors
 * while sending the request propagate (the caller may retry).
 */
export async function join(inviteText: string, o: JoinOptions): Promise<JoinResult> {
  const { client } = o;
  const parsed = parseInvite(inviteText, { env: o.env });
  if (!parsed.ok) return { status: "invalid", error: parsed.error };
  const { invite, code } = parsed;
  try {
    checkInviteForJoiner(invite, o.now?.());
  } catch (e) {
    const error =
      e instanceof ConvosError ? e : new ConvosError("invalid_invite", "invite check failed", { cause: e });
    return error.code === "expired_invite" || error.code === "conversation_expired"
      ? { status: "expired", error }
      : { status: "invalid", error };
  }
  const { tag, creatorInboxId } = invite.payload;
  if (creatorInboxId === client.inboxId.toLowerCase() || o.isOwnInbox?.(creatorInboxId)) {
    return {
      status: "invalid",
      error: new ConvosError("own_invite", "this invite is for one of our own conversations"),
    };
  }

  await client.conversations.sync();
  const existing = await findGroupWithTag(client, tag);
  if (existing) return finishJoin(o, existing, invite, true);

  // Streams only wake the loop; the loop's own sync decides.
  let woken = false;
  let wake: () => void = () => {};
  const poke = () => {
    woken = true;
    wake();
  };
  const groupStream = discardQueue(
    await client.conversations.streamGroups({ onValue: poke, retryDelay: 300 }),
  );
  const dmStream = discardQueue(
    await client.conversations.streamAllDmMessages({ onValue: poke, retryDelay: 300 }),
  );
  try {
    const dm = await client.conversations.createDm(creatorInboxId);
    const profile = o.profile
      ? {
          ...(o.profile.name !== undefined ? { name: o.profile.name } : {}),
          ...(o.profile.imageURL ? { imageURL: o.profile.imageURL } : {}),
          ...(o.profile.memberKind === MemberKind.Agent ? { memberKind: "agent" } : {}),
        }
      : undefined;
    const requestId = await sendWithCodec(dm, joinRequestCodec, {
      inviteSlug: code,
      ...(profile ? { profile } : {}),
      ...(o.metadata ? { metadata: o.metadata } : {}),
    });
    await dm.sendText(code);
    const sentAtNs =
      (await dm.messages({ limit: 10 })).find((m) => m.id === requestId)?.sentAtNs ??
      BigInt(Date.now() - 5_000) * 1_000_000n;

    const deadline = Date.now() + (o.timeoutMs ?? 60_000);
    const interval = o.syncIntervalMs ?? 3_000;
    while (Date.now() < deadline && !o.signal?.aborted) {
      await client.conversations.sync().catch(() => undefined);
      const group = await findGroupWithTag(client, tag);
      if (group) return finishJoin(o, group, invite, false);
      await dm.sync().catch(() => undefined);
      for (const m of await dm.messages({ sentAfterNs: sentAtNs })) {
        if (m.senderInboxId !== creatorInboxId || !isContentType(m.contentType, ContentTypeInviteJoinError))
          continue;
        const err = m.content as InviteJoinError | undefined;
        if (err?.inviteTag === tag)
          return { status: "rejected", error: { ...err, errorType: toInviteJoinErrorType(err.errorType) } };
      }
      if (!woken) {
        const napMs = Math.min(interval, Math.max(0, deadline - Date.now()));
        await Promise.race([new Promise<void>((r) => (wake = r)), sleep(napMs, o.signal)]);
      }
      woken = false;
    }
    return { status: "timed_out", retryable: true, invite };
  } finally {
    await Promise.allSettled([groupStream.end(), dmStream.end()]);
  }
}
