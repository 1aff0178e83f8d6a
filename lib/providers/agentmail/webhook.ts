/**
 * AgentMail's webhook (`POST /api/webhooks/agentmail`): an incoming e-mail becomes one line in the agent's
 * conversation. The route answers at once; the worker posts the line (lib/providers/events.ts).
 *
 * In order, each step refusing what fails it, with nothing recorded before the signature holds:
 *   1. e-mail off (no webhook secret): 404;
 *   2. the raw body, capped at WEBHOOK_MAX_BYTES: 413 over it;
 *   3. the Svix signature over the raw body, within five minutes (svix.ts): 401 otherwise;
 *   4. the JSON: 400 when a signed body doesn't parse;
 *   5. only `message.received` is acted on; other events get 200;
 *   6. the agent is the one whose inbox id is in OUR table (AgentMailInbox), never anything else the
 *      request says; an inbox of nobody's gets 200 and nothing else;
 *   7. the event is recorded once per svix-id (a replay or a retried delivery finds it: 200, nothing
 *      more), with the line the worker posts, and counted as received.
 */
import { z } from "zod";
import { jsonError } from "@/lib/api/responses";
import { recordProviderEvent } from "@/lib/providers/events";
import { oneLine, readSignedEvent } from "@/lib/providers/webhook";
import { countUsage } from "@/lib/providers/usage";
import { agentOfInbox } from "./inboxes";
import { verifySvix } from "./svix";

/** A delivery's largest body: a message.received carries the mail's text and HTML. */
export const WEBHOOK_MAX_BYTES = 1024 * 1024;
const FROM_CHARS = 100;
const SUBJECT_CHARS = 150;

/** What the conversation reads of an incoming mail. */
export function incomingLine(from: string, subject: string): string {
  return `New e-mail from ${oneLine(from, FROM_CHARS) || "an unknown sender"}: ${oneLine(subject, SUBJECT_CHARS) || "(no subject)"}`;
}

const sender = z.union([
  z.string(),
  z.object({ email: z.string() }).transform((p) => p.email),
  z
    .array(z.union([z.string(), z.object({ email: z.string() }).transform((p) => p.email)]))
    .transform((a) => a.join(", ")),
]);

const event = z.object({
  event_type: z.string().max(100),
  message: z
    .object({
      inbox_id: z.string().max(500),
      message_id: z.string().max(500),
      from: sender.nullish(),
      subject: z.string().nullish(),
    })
    .optional(),
});

/** Handles one delivery (see the module comment); `secret` undefined: e-mail is off. */
export async function receiveAgentMailWebhook(
  request: Request,
  secret: string | undefined,
): Promise<Response> {
  if (!secret) return jsonError("not_found", "E-mail is not enabled on this server.", 404);
  const read = await readSignedEvent(request, {
    maxBytes: WEBHOOK_MAX_BYTES,
    verify: (raw, h) =>
      verifySvix(
        secret,
        { id: h.get("svix-id"), timestamp: h.get("svix-timestamp"), signature: h.get("svix-signature") },
        raw,
      ),
    schema: event,
  });
  if (!read.ok) return read.response;
  const { event: parsed, check } = read;
  const message = parsed.message;
  if (parsed.event_type !== "message.received" || !message) return Response.json({ ok: true });
  const agentId = await agentOfInbox(message.inbox_id);
  if (!agentId) return Response.json({ ok: true });
  const isNew = await recordProviderEvent({
    provider: "agentmail",
    eventId: check.id,
    kind: "message.received",
    agentId,
    payload: {
      line: incomingLine(message.from ?? "", message.subject ?? ""),
      inboxId: message.inbox_id,
      messageId: message.message_id,
    },
  });
  if (isNew) await countUsage(agentId, "agentmail", { received: 1 });
  return Response.json({ ok: true });
}
