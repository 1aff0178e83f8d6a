/**
 * One claim entry for the web app and the API: a launch from a warm identity,
 * or a join of an existing conversation when an invite URL is given. The
 * template is looked up first; the limits, the claim and its event then run in
 * one transaction under the owner's claim lock (./limits.ts), so concurrent
 * claims of one user never pass a limit; the invite is verified before
 * anything is claimed (lib/agents/join-claim.ts), and an empty pool answers
 * PoolEmptyError at once. A direct add (`directAdd`) is a launch that hands out
 * the identity's inbox id instead of an invite (lib/agents/direct-add.ts).
 */
import { AppError } from "@/lib/errors";
import type { Template } from "@/lib/generated/prisma/client";
import type { AgentStatus } from "@/lib/generated/prisma/enums";
import { claimWarmIdentity } from "./claim-warm-identity";
import { observeClaim, observeClaimError } from "@/lib/metrics/registry";
import { claimJoin } from "./join-claim";
import { getPublishedTemplate } from "@/lib/templates/queries";
import { claimWithinLimits } from "./limits";
import { idempotentClaim, type IdempotencyKey, type IdempotentClaim } from "./idempotency";
import { addLink, directAddWaitMs, expectedAdder } from "./direct-add";
import { explainEmptyPool } from "@/lib/workers/xmtp-reachability";

export interface ClaimInput {
  /** The owner (a signed-in user), or null for an API claim. */
  ownerId: string | null;
  /** The template's slug (published templates only), or none for an API claim with its own instructions. */
  templateSlug?: string;
  name?: string;
  instructions?: string;
  joinUrl?: string;
  /** The caller's Idempotency-Key: a key it already claimed with answers that claim again (./idempotency.ts). */
  idempotency?: IdempotencyKey;
  /** Hand out the agent's inbox id, to be added to a conversation, instead of an invite. */
  directAdd?: boolean;
  /** A direct add's claimant inbox: only it may add the agent. */
  adderInboxId?: string;
  /** Whether the agent greets on arrival; absent: the template's choice, else the default. */
  greeting?: boolean | null;
}

export interface ClaimResult {
  agentId: string;
  status: AgentStatus;
  inviteUrl?: string;
  conversationId?: string;
  /** The warm identity a launch took (the invite's conversation); none for a join-claim. */
  identityId?: string;
  /** True when the agent joins a conversation someone else created (a join-claim). */
  joined: boolean;
  /** A direct add's inbox id, to add to a conversation, and the link carrying it. */
  inboxId?: string;
  addLink?: string;
  latencyMs: number;
  /** True when the idempotency key answered its earlier claim: nothing was claimed now. */
  replayed?: boolean;
}

export const DEFAULT_AGENT_NAME = "Agent";

/** Checks the template and the limits, then claims; throws AppError (template_not_found 404, rate_limited 429, pool_empty 503, xmtp_unreachable 503, invite errors 400, already_joined 409). */
export async function claimAgent(input: ClaimInput): Promise<ClaimResult> {
  const source = input.ownerId ? "web" : "api";
  const { idempotency, ...request } = input;
  const once = idempotency && idempotentClaim(idempotency, request);
  try {
    const result = await claim(input, once);
    if (once?.replayed) return { ...result, replayed: true };
    observeClaim(source, result.joined ? "join" : "launch", result.latencyMs);
    return result;
  } catch (caught) {
    const error = await explainEmptyPool(caught);
    observeClaimError(source, error instanceof AppError ? error.code : "internal");
    throw error;
  }
}

async function claim(input: ClaimInput, once?: IdempotentClaim): Promise<ClaimResult> {
  const template =
    input.templateSlug === undefined ? null : await publishedTemplateOrThrow(input.templateSlug);
  const request = {
    ownerId: input.ownerId,
    templateId: template?.id ?? null,
    name: input.name?.trim() || template?.name || DEFAULT_AGENT_NAME,
    instructions: input.instructions?.trim() || template?.instructions || "",
    greeting: input.greeting === undefined ? (template?.greeting ?? null) : input.greeting,
  };
  const joinUrl = input.joinUrl;
  if (input.directAdd && joinUrl)
    throw new AppError("invalid_input", "Choose one: join a conversation by its invite, or a direct add.");
  if (!input.directAdd && input.adderInboxId !== undefined)
    throw new AppError("invalid_input", "adderInboxId is only for a direct add (directAdd: true).");
  if (input.directAdd) {
    const direct = { waitMs: directAddWaitMs(), expectedFrom: await expectedAdder(input.adderInboxId) };
    const added = await claimWithinLimits(
      input.ownerId,
      (tx) => claimWarmIdentity(request, tx, direct),
      once,
    );
    return {
      agentId: added.agentId,
      status: added.status,
      identityId: added.identityId,
      inboxId: added.inboxId,
      addLink: addLink(added.inboxId),
      joined: false,
      latencyMs: added.latencyMs,
    };
  }
  if (joinUrl) {
    const joining = await claimWithinLimits(
      input.ownerId,
      (tx) => claimJoin({ ...request, inviteUrl: joinUrl }, tx),
      once,
    );
    return { agentId: joining.agentId, status: joining.status, joined: true, latencyMs: joining.latencyMs };
  }
  const launched = await claimWithinLimits(input.ownerId, (tx) => claimWarmIdentity(request, tx), once);
  return {
    agentId: launched.agentId,
    status: launched.status,
    inviteUrl: launched.inviteUrl,
    conversationId: launched.conversationId,
    identityId: launched.identityId,
    joined: false,
    latencyMs: launched.latencyMs,
  };
}

/** A published template by slug; throws AppError template_not_found (404). */
export async function publishedTemplateOrThrow(slug: string): Promise<Template> {
  const template = await getPublishedTemplate(slug);
  if (!template)
    throw new AppError("template_not_found", `There is no published agent template "${slug}".`, 404);
  return template;
}
