/**
 * The pool API: `POST /api/pool/claim` with `x-api-key` (see docs/architecture.md, "A claim, end to end").
 * Body `{templateSlug?, agentName?, instructions?, joinUrl?}` →
 * `{agentId, status, inviteUrl?, conversationId?, joined}`. Errors are JSON
 * `{error: {code, message}}`: 400 bad input or invite, 401 key, 404 template,
 * 409 invite already claimed, 429 the API's hourly limit, 503 empty pool.
 */
import { z } from "zod";
import { claimAgent } from "@/lib/agents/claim";
import { errorResponse, jsonError, secretMatches } from "@/lib/api/responses";
import { config } from "@/lib/config";
import { MAX_INVITE_URL_LENGTH } from "@/lib/agents/invite-check";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 64 * 1024;

const body = z
  .object({
    templateSlug: z.string().trim().min(1).max(100).optional(),
    agentName: z.string().trim().min(1).max(80).optional(),
    instructions: z.string().max(20_000).optional(),
    joinUrl: z.string().trim().min(1).max(MAX_INVITE_URL_LENGTH).optional(),
  })
  .strict();

export async function POST(request: Request) {
  const key = config().POOL_API_KEY;
  if (!key)
    return jsonError(
      "api_disabled",
      "The pool API is not enabled on this server (POOL_API_KEY is unset).",
      401,
    );
  if (!secretMatches(request.headers.get("x-api-key"), key)) {
    return jsonError("unauthorized", "A valid x-api-key header is required.", 401);
  }
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return jsonError("invalid_input", "The request body is too large.", 400);
  let json: unknown;
  try {
    json = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    return jsonError("invalid_input", "The request body is not valid JSON.", 400);
  }
  const parsed = body.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    return jsonError("invalid_input", message, 400);
  }
  try {
    const input = parsed.data;
    const claim = await claimAgent({
      ownerId: null,
      templateSlug: input.templateSlug,
      name: input.agentName,
      instructions: input.instructions,
      joinUrl: input.joinUrl,
    });
    return Response.json(
      {
        agentId: claim.agentId,
        status: claim.status,
        ...(claim.inviteUrl ? { inviteUrl: claim.inviteUrl, conversationId: claim.conversationId } : {}),
        joined: claim.joined,
      },
      { status: 201 },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
