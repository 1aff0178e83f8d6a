/**
 * The XMTP group as the answer, commands, tools and scheduled runs see it
 * (lib/agents/conversation.ts): the runtime wraps its group once per run. The
 * runtime's own reading (the stream, syncs, catch-up, leaving) still uses the
 * group itself. Read receipts are coalesced per conversation (read-receipts.ts).
 */
import { encodeText, type Group } from "@xmtp/node-sdk";
import type { Conversation } from "@/lib/agents/conversation";
import { Direction, resolveProfiles, type ProfileMessage } from "@/lib/convos";
import { profileUpdateCodec, sendWithCodec, thinkingCodec } from "@/lib/convos/codecs";
import { agentProfileUpdate } from "@/lib/convos/profiles";
import { Reactions } from "./history";
import { ReadReceipts } from "./read-receipts";

/** How far back a member's profile is looked for. */
const PROFILE_SCAN = 200;

/**
 * `group` behind the Conversation interface; every call is the group's own (receipts coalesced).
 * A runtime's `profile` publishes set_profile's name with a fresh attestation (runtime/agent-profile.ts).
 */
export function xmtpConversation(
  group: Group<unknown>,
  profile?: { publish(name: string): Promise<void> },
): Conversation {
  const receipts = new ReadReceipts(() => group.sendReadReceipt());
  return {
    id: group.id,
    send: (text) => group.sendText(text),
    sendRemoteAttachment: (attachment) => group.sendRemoteAttachment(attachment),
    reply: (to, text) =>
      group.sendReply({ reference: to.id, referenceInboxId: to.senderInboxId, content: encodeText(text) }),
    async react(to, emoji, o = {}) {
      await group.sendReaction(
        {
          reference: to.id,
          referenceInboxId: to.senderInboxId,
          action: o.removed ? Reactions.Removed : Reactions.Added,
          content: emoji,
          schema: Reactions.Unicode,
        },
        o.queued ? { optimistic: true } : undefined,
      );
    },
    publishQueued: () => group.publishMessages(),
    async thinking(t) {
      await sendWithCodec(group, thinkingCodec, t);
    },
    readReceipt: () => receipts.mark(),
    async setProfileName(name) {
      if (profile) await profile.publish(name);
      else await sendWithCodec(group, profileUpdateCodec, agentProfileUpdate(name));
    },
    async profileName(inboxId) {
      const messages = await group.messages({ limit: PROFILE_SCAN, direction: Direction.Descending });
      return resolveProfiles(messages as ProfileMessage[], group.appData).get(inboxId)?.name;
    },
    members: async () => (await group.members()).map((m) => m.inboxId),
    history: ({ limit, beforeNs }) =>
      group.messages({
        limit,
        direction: Direction.Descending,
        ...(beforeNs === undefined ? {} : { sentBeforeNs: beforeNs }),
      }),
  };
}
