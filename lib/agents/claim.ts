/**
 * One claim entry for the web app and the API: a launch from a warm identity,
 * or a join of an existing conversation when an invite URL is given. Limits
 * are checked first, the invite is verified before anything is claimed
 * (lib/pool/join-claim.ts), and an empty pool answers PoolEmptyError at once.
 */
import { AppError } from "@/lib/errors";
import type { Template } from "@/lib/generated/prisma/client";
import type { AgentStatus } from "@/lib/generated/prisma/enums";
import { claimWarmIdentity } from "@/lib/pool/claim";
import { observeClaim, observeClaimError } from "@/lib/metrics/registry";
import { claimJoin } from "@/lib/pool/join-claim";
import { getPublishedTemplate } from "@/lib/templates/queries";
import { assertApiMayClaim, assertUserMayClaim } from "./limits";

export interface ClaimInput {
  /** The owner (a signed-in user), or null for an API claim. */
  ownerId: string | null;
  template: Pick<Template, "id" | "name" | "instructions"> | null;
  name?: string;
  instructions?: string;
  joinUrl?: string;
}

export interface ClaimResult {
  agentId: string;
  status: AgentStatus;
  inviteUrl?: string;
  conversationId?: string;
  /** True when the agent joins a conversation someone else created (a join-claim). */
  joined: boolean;
  latencyMs: number;
}

export const DEFAULT_AGENT_NAME = "Agent";

/** Checks the limits, then claims; throws AppError (rate_limited 429, pool_empty 503, invite errors 400, already_joined 409). */
export async function claimAgent(input: ClaimInput): Promise<ClaimResult> {
  const source = input.ownerId ? "web" : "api";
  try {
    const result = await claim(input);
    observeClaim(source, result.joined ? "join" : "launch", result.latencyMs);
    return result;
  } catch (error) {
    observeClaimError(source, error instanceof AppError ? error.code : "internal");
    throw error;
  }
}

async function claim(input: ClaimInput): Promise<ClaimResult> {
  if (input.ownerId) await assertUserMayClaim(input.ownerId);
  else await assertApiMayClaim();
  const request = {
    ownerId: input.ownerId,
    templateId: input.template?.id ?? null,
    name: input.name?.trim() || input.template?.name || DEFAULT_AGENT_NAME,
    instructions: input.instructions?.trim() || input.template?.instructions || "",
  };
  if (input.joinUrl) {
    const joining = await claimJoin({ ...request, inviteUrl: input.joinUrl });
    return { agentId: joining.agentId, status: joining.status, joined: true, latencyMs: joining.latencyMs };
  }
  const launched = await claimWarmIdentity(request);
  return {
    agentId: launched.agentId,
    status: launched.status,
    inviteUrl: launched.inviteUrl,
    conversationId: launched.conversationId,
    joined: false,
    latencyMs: launched.latencyMs,
  };
}

/** A published template by slug; throws AppError template_not_found (404). */
export async function publishedTemplateOrThrow(slug: string): Promise<Template> {
  const template = await getPublishedTemplate(slug);
  if (!template) throw new AppError("template_not_found", `There is no published agent template "${slug}".`, 404);
  return template;
}
