/**
 * AgentMail's webhook: `POST /api/webhooks/agentmail`, signed the Svix way. An incoming e-mail to an
 * agent's inbox becomes one line in its conversation (lib/providers/agentmail/webhook.ts): 200 when taken
 * (or ignored), 401 a signature that doesn't verify, 413 a body over 1 MiB, 404 when e-mail is off.
 */
import { errorResponse } from "@/lib/api/responses";
import { config } from "@/lib/config";
import { receiveAgentMailWebhook } from "@/lib/providers/agentmail/webhook";
import { apiSecurityHeaders } from "@/lib/security-headers";

export const dynamic = "force-dynamic";

/** proxy.ts stays out of webhooks (it would read the body first), so the headers are set here. */
export async function POST(request: Request) {
  const c = config();
  const response = await receiveAgentMailWebhook(request, c.AGENTMAIL_WEBHOOK_SECRET).catch(errorResponse);
  const https = new URL(c.PUBLIC_URL).protocol === "https:";
  for (const [name, value] of Object.entries(apiSecurityHeaders(https))) response.headers.set(name, value);
  return response;
}
