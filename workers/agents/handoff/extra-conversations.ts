/**
 * The worker side of /invite and /join: new conversations for a live agent,
 * each under its own identity (so nothing links them to the agent's other
 * conversations). `/invite` claims a warm identity and takes it over like a
 * launch; `/join` checks the invite as a join-claim does, then joins from a
 * fresh joiner identity. Both are capped per agent (AGENT_EXTRA_CONVERSATIONS_MAX)
 * and count against the owner's claim limits (lib/agents/limits.ts). Both go through the handoff (handoff.ts), so a crash in between is
 * picked up by the polling fallback like any other unowned work.
 */
import { claimExtraWithinLimits } from "@/lib/agents/limits";
import { buildInviteUrl } from "@/lib/convos";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createExtraJoinerIdentity } from "@/lib/identities";
import { claimExtraConversation } from "@/lib/agents/extra-conversation";
import { checkInviteForClaim } from "@/lib/agents/invite-check";
import { expiryOf, type InviteOptions } from "@/lib/invites/options";
import { changeInvites } from "@/lib/invites/requests";
import type { ConversationOps } from "@/workers/agents/answer/contracts";
import type { WorkerContext } from "@/workers/agents/worker/context";
import { handOff, type HandoffResult } from "./handoff";

const JOIN_OUTCOME: Record<string, string> = {
  expired: "That invite has expired: ask for a new one.",
  revoked: "That conversation's invite was revoked, or the conversation has ended.",
  rejected: "The conversation's creator turned my request down.",
  invalid: "That invite is not valid: ask for a new one.",
  timeout: "No answer from that conversation's creator: they may need to open Convos. Try again later.",
  error: "I couldn't join that conversation.",
};

/** The line an operator reads after /join. */
export function joinOutcomeText(result: HandoffResult): string {
  if (result.status === "live") return "Joined: I'm in that conversation now.";
  if (result.status === "join_failed") return JOIN_OUTCOME[result.reason] ?? JOIN_OUTCOME.error;
  return "I couldn't join that conversation: something went wrong on my side. Try again in a moment.";
}

/**
 * The warm identity's invite neither expires nor is single-use: the tag is rotated (so that invite, never
 * shown to anyone, dies too) and a new invite signed with the options, by the request path every change of
 * invites takes (lib/invites/requests.ts), here carried out by this very worker, which just took it live.
 */
async function inviteWithOptions(
  agentId: string,
  identityId: string,
  options: InviteOptions,
): Promise<string> {
  const change = await changeInvites(agentId, identityId, {
    action: "revoke",
    expiresAt: expiryOf(options),
    singleUse: options.singleUse,
  });
  const row = await db.identity.findUniqueOrThrow({ where: { id: identityId }, select: { inviteUrl: true } });
  if (!change.ok || !row.inviteUrl)
    throw new AppError(
      "invite_failed",
      "The new conversation is open, but I couldn't make its invite link just now: try /revoke in a moment.",
    );
  return row.inviteUrl;
}

/** /invite and /join for the runtimes of this worker. */
export function conversationOps(context: () => WorkerContext): ConversationOps {
  return {
    async invite(agentId, name, options) {
      const ctx = context();
      const extra = await claimExtraWithinLimits(agentId, ctx.settings.AGENT_EXTRA_CONVERSATIONS_MAX, (tx) =>
        claimExtraConversation(agentId, ctx.workerId, ctx.leaseMs, tx, ctx.homeKey, name),
      );
      const result = await handOff(
        ctx,
        { agentId, identityId: extra.identityId },
        { groupName: name, leased: true },
      );
      if (result.status !== "live")
        throw new AppError(
          "invite_failed",
          "I couldn't open the new conversation just now. Try again in a moment.",
        );
      if (!options?.singleUse && options?.expiresInSeconds === undefined) return extra.inviteUrl;
      return inviteWithOptions(agentId, extra.identityId, options);
    },
    async join(agentId, url) {
      const ctx = context();
      const env = ctx.identities.home.env;
      const invite = checkInviteForClaim(url, env);
      const ours = await db.identity.findFirst({
        where: { inboxId: invite.creatorInboxId },
        select: { id: true },
      });
      if (ours)
        throw new AppError(
          "own_invite",
          "That invite is for one of my own conversations: I'm already there.",
        );
      const identityId = await claimExtraWithinLimits(
        agentId,
        ctx.settings.AGENT_EXTRA_CONVERSATIONS_MAX,
        (tx) =>
          createExtraJoinerIdentity(agentId, buildInviteUrl(invite.code, env), ctx.workerId, ctx.leaseMs, tx),
      );
      return { outcome: handOff(ctx, { agentId, identityId }, { leased: true }).then(joinOutcomeText) };
    },
  };
}
