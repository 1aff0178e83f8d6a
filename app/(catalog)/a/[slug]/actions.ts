"use server";
/**
 * The template page's claim actions: launch an agent into a fresh conversation
 * (a warm identity's invite), or add it to a conversation the user already has
 * (a pasted invite, verified before anything is claimed), or hand out its inbox
 * id for the user to add it to a conversation in Convos (a direct add,
 * lib/agents/direct-add.ts). The wrapper checks
 * the session; limits, the pool and the invite answer with clear errors. Each
 * click sends its own Idempotency-Key (claim-panel.tsx), scoped to the user,
 * so a second submit or a retry of one click claims once (lib/agents/idempotency.ts).
 */
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { claimAgent } from "@/lib/agents/claim";
import { directAddWaitMs } from "@/lib/agents/direct-add";
import { idempotencyKeyOf, userScope } from "@/lib/agents/idempotency";
import { setAgentTimeZone } from "@/lib/agents/mutations";
import { DEFAULT_TIME_ZONE, timeZoneOrDefault } from "@/lib/agents/time-zone";
import type { AgentStatus } from "@/lib/generated/prisma/enums";
import { MAX_INVITE_URL_LENGTH } from "@/lib/agents/invite-check";
import { INVITE_QR_PIXELS, inviteQrPath, qrDataUrl } from "@/lib/qr";

export interface ClaimView {
  agentId: string;
  status: AgentStatus;
  joined: boolean;
  inviteUrl?: string;
  /** Where the browser loads the invite's QR code, a PNG (launches only). */
  inviteQrSrc?: string;
  /** A direct add: the inbox id to add, the link carrying it, and its QR code (a data URL). */
  inboxId?: string;
  addLink?: string;
  addQrSrc?: string;
  /** How long the agent waits to be added, in minutes (DIRECT_ADD_WAIT_MS). */
  addWithinMinutes?: number;
}

const templateSlug = z
  .string()
  .trim()
  .min(1, "Choose an agent template.")
  .max(100, "That template name is too long.");
const inviteUrl = z
  .string()
  .trim()
  .min(1, "Paste the invite link of your conversation.")
  .max(MAX_INVITE_URL_LENGTH, "That invite link is too large to be a Convos invite.");

/** The browser's time zone (Intl), sent with the launch; anything that is not one leaves the agent on UTC. */
const timeZone = z.string().max(64).optional();
/** The click's key, checked by idempotencyKeyOf; a page from before keys existed sends none. */
const idempotencyKey = z.string().max(1_000).optional();

/** The agent tells time in its owner's zone from the start. */
async function adoptTimeZone(agentId: string, ownerId: string, browserZone: string | undefined) {
  const zone = timeZoneOrDefault(browserZone);
  if (zone !== DEFAULT_TIME_ZONE) await setAgentTimeZone(agentId, ownerId, zone);
}

const launchAction = action(
  z.object({ templateSlug, timeZone, idempotencyKey }),
  async (input, user): Promise<ClaimView> => {
    const claim = await claimAgent({
      ownerId: user.id,
      templateSlug: input.templateSlug,
      idempotency: idempotencyKeyOf(input.idempotencyKey, userScope(user.id)),
    });
    if (!claim.replayed) await adoptTimeZone(claim.agentId, user.id, input.timeZone);
    return {
      agentId: claim.agentId,
      status: claim.status,
      joined: false,
      inviteUrl: claim.inviteUrl,
      inviteQrSrc: claim.identityId ? inviteQrPath(claim.agentId, claim.identityId) : undefined,
    };
  },
);

const addAction = action(
  z.object({ templateSlug, inviteUrl, timeZone, idempotencyKey }),
  async (input, user): Promise<ClaimView> => {
    const claim = await claimAgent({
      ownerId: user.id,
      templateSlug: input.templateSlug,
      joinUrl: input.inviteUrl,
      idempotency: idempotencyKeyOf(input.idempotencyKey, userScope(user.id)),
    });
    if (!claim.replayed) await adoptTimeZone(claim.agentId, user.id, input.timeZone);
    return { agentId: claim.agentId, status: claim.status, joined: true };
  },
);

const directAddAction = action(
  z.object({ templateSlug, timeZone, idempotencyKey }),
  async (input, user): Promise<ClaimView> => {
    const claim = await claimAgent({
      ownerId: user.id,
      templateSlug: input.templateSlug,
      directAdd: true,
      idempotency: idempotencyKeyOf(input.idempotencyKey, userScope(user.id)),
    });
    if (!claim.replayed) await adoptTimeZone(claim.agentId, user.id, input.timeZone);
    const inboxId = claim.inboxId ?? "";
    return {
      agentId: claim.agentId,
      status: claim.status,
      joined: false,
      inboxId,
      addLink: claim.addLink,
      addQrSrc: await qrDataUrl(inboxId, INVITE_QR_PIXELS),
      addWithinMinutes: Math.max(1, Math.round(directAddWaitMs() / 60_000)),
    };
  },
);

/** Claims the template's agent to be added to a conversation by its inbox id; once per `idempotencyKey`. */
export async function addByInboxId(
  templateSlug: string,
  timeZone?: string,
  idempotencyKey?: string,
): Promise<ActionResult<ClaimView>> {
  return directAddAction({ templateSlug, timeZone, idempotencyKey });
}

/** Launches the template's agent into a fresh conversation and returns its invite; once per `idempotencyKey`. */
export async function launch(
  templateSlug: string,
  timeZone?: string,
  idempotencyKey?: string,
): Promise<ActionResult<ClaimView>> {
  return launchAction({ templateSlug, timeZone, idempotencyKey });
}

/** Adds the template's agent to the conversation of a pasted invite URL; once per `idempotencyKey`. */
export async function addToConversation(
  templateSlug: string,
  inviteUrl: string,
  timeZone?: string,
  idempotencyKey?: string,
): Promise<ActionResult<ClaimView>> {
  return addAction({ templateSlug, inviteUrl, timeZone, idempotencyKey });
}
