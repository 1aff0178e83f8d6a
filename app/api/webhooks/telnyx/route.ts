/**
 * Telnyx's webhook: `POST /api/webhooks/telnyx`, signed with the account's Ed25519 key. An incoming text
 * to an agent's number becomes one line in its conversation (lib/providers/telnyx/webhook.ts): 200 when
 * taken (or ignored), 401 a signature that doesn't verify or is older than 300 s, 413 a body over 256 KiB,
 * 404 when SMS is off.
 */
import { errorResponse } from "@/lib/api/responses";
import { config } from "@/lib/config";
import { telnyxSettings } from "@/lib/providers/telnyx/settings";
import { receiveTelnyxWebhook } from "@/lib/providers/telnyx/webhook";
import { apiSecurityHeaders } from "@/lib/security-headers";

export const dynamic = "force-dynamic";

/** proxy.ts stays out of webhooks (it would read the body first), so the headers are set here. */
export async function POST(request: Request) {
  const c = config();
  const response = await receiveTelnyxWebhook(request, {
    publicKey: c.TELNYX_WEBHOOK_PUBLIC_KEY,
    telnyx: telnyxSettings(c),
    publicUrl: c.PUBLIC_URL,
    log: (message, error) => console.error(`[telnyx] ${message}`, error),
  }).catch(errorResponse);
  const https = new URL(c.PUBLIC_URL).protocol === "https:";
  for (const [name, value] of Object.entries(apiSecurityHeaders(https))) response.headers.set(name, value);
  return response;
}
