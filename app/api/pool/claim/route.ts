/**
 * The pool API: `POST /api/pool/claim` with `x-api-key` (see docs/architecture.md, "A claim, end to end").
 * Body `{templateSlug?, agentName?, instructions?, joinUrl?, directAdd?, adderInboxId?, greeting?}` →
 * `{agentId, status, inviteUrl?, conversationId?, joined}`, and for a direct add
 * `{inboxId, addLink, addQr}` instead of the invite (lib/agents/direct-add.ts). Errors are JSON
 * `{error: {code, message}}`: 400 bad input or invite, 401 key, 404 template,
 * 409 invite already claimed, 413 body over 64 KiB, 429 the API's hourly limit (per API key and per
 * client address) or too many wrong keys from the client (lib/api/secret-check.ts), 503 empty pool.
 * An `Idempotency-Key` header (1–255 visible ASCII characters) makes the claim repeatable for 24 h: the same
 * key answers the first claim's 201 again, with `Idempotent-Replayed: true` (lib/agents/idempotency.ts);
 * 400 a malformed key, 422 a key reused with another body; a key older than 24 h is a new key.
 */
import { z } from "zod";
import { claimAgent } from "@/lib/agents/claim";
import { apiKeyScope, idempotencyKeyOf, type IdempotencyKey } from "@/lib/agents/idempotency";
import { readBodyCapped } from "@/lib/api/body";
import { errorResponse, jsonError } from "@/lib/api/responses";
import { checkSecret } from "@/lib/api/secret-check";
import { clientAddress } from "@/lib/client-address";
import { config } from "@/lib/config";
import { describeWait, hitRateLimit } from "@/lib/rate-limit";
import { apiSecurityHeaders } from "@/lib/security-headers";
import { getPoolSettings } from "@/lib/pool/settings";
import { MAX_INVITE_URL_LENGTH } from "@/lib/agents/invite-check";
import { qrDataUrl } from "@/lib/qr";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 64 * 1024;

const body = z
  .object({
    templateSlug: z.string().trim().min(1).max(100).optional(),
    agentName: z.string().trim().min(1).max(80).optional(),
    instructions: z.string().max(20_000).optional(),
    joinUrl: z.string().trim().min(1).max(MAX_INVITE_URL_LENGTH).optional(),
    directAdd: z.boolean().optional(),
    adderInboxId: z.string().max(100).optional(),
    greeting: z.boolean().nullable().optional(),
  })
  .strict();

const https = new URL(config().PUBLIC_URL).protocol === "https:";

/** proxy.ts stays out of this route (it would read the body first), so the headers are set here. */
export async function POST(request: Request) {
  const response = await claim(request);
  for (const [name, value] of Object.entries(apiSecurityHeaders(https))) response.headers.set(name, value);
  return response;
}

async function claim(request: Request): Promise<Response> {
  const key = config().POOL_API_KEY;
  if (!key)
    return jsonError(
      "api_disabled",
      "The pool API is not enabled on this server (POOL_API_KEY is unset).",
      401,
    );
  const client = clientAddress(request.headers);
  const checked = await checkSecret({
    scope: "pool-api",
    what: "x-api-key",
    presented: request.headers.get("x-api-key"),
    expected: key,
    client,
    unauthorized: "A valid x-api-key header is required.",
  });
  if (!checked.ok) return checked.response;
  let idempotency: IdempotencyKey | undefined;
  let text: string;
  try {
    idempotency = idempotencyKeyOf(request.headers.get("idempotency-key"), apiKeyScope(key));
    text = await readBodyCapped(request, MAX_BODY_BYTES);
  } catch (error) {
    return errorResponse(error);
  }
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
  const limited = await apiLimitRefusal(key, client);
  if (limited) return limited;
  try {
    const input = parsed.data;
    const claim = await claimAgent({
      ownerId: null,
      templateSlug: input.templateSlug,
      name: input.agentName,
      instructions: input.instructions,
      joinUrl: input.joinUrl,
      idempotency,
      directAdd: input.directAdd,
      adderInboxId: input.adderInboxId,
      greeting: input.greeting,
    });
    return Response.json(
      {
        agentId: claim.agentId,
        status: claim.status,
        ...(claim.inviteUrl ? { inviteUrl: claim.inviteUrl, conversationId: claim.conversationId } : {}),
        joined: claim.joined,
        ...(claim.inboxId
          ? { inboxId: claim.inboxId, addLink: claim.addLink, addQr: await qrDataUrl(claim.inboxId, 256) }
          : {}),
      },
      { status: 201, headers: claim.replayed ? { "idempotent-replayed": "true" } : undefined },
    );
  } catch (error) {
    return errorResponse(error);
  }
}

/** The hourly limit (PoolSetting apiClaimsPerHour), counted per API key and per client address. */
async function apiLimitRefusal(key: string, client: string): Promise<Response | null> {
  const { apiClaimsPerHour } = await getPoolSettings();
  const windowMs = 60 * 60 * 1000;
  for (const [bucket, value, who] of [
    ["pool-api:key", key, "This API key"],
    ["pool-api:client", client, "This client address"],
  ] as const) {
    const result = await hitRateLimit({ bucket, limit: apiClaimsPerHour, windowMs }, value);
    if (!result.allowed) {
      const seconds = Math.ceil(result.retryAfterMs / 1000);
      return jsonError(
        "rate_limited",
        `${who} has made ${apiClaimsPerHour} claims in the last hour, the most allowed. Try again in ${describeWait(result.retryAfterMs)}.`,
        429,
        { "retry-after": String(seconds) },
      );
    }
  }
  return null;
}
