/**
 * Telnyx's webhook (`POST /api/webhooks/telnyx`): an incoming text becomes one line in the conversation of
 * the agent holding the number it was sent to. The route answers at once; the worker posts the line
 * (lib/providers/events.ts).
 *
 * In order, each step refusing what fails it, with nothing recorded before the signature holds:
 *   1. SMS off: 404;
 *   2. the raw body, capped at WEBHOOK_MAX_BYTES: 413 over it;
 *   3. the Ed25519 signature over `timestamp|body`, the timestamp within 300 s (./signature.ts): 401;
 *   4. the JSON: 400 when a signed body doesn't parse;
 *   5. only an inbound `message.received` is acted on; the rest (message.sent, message.finalized, outbound
 *      copies) get 200 and nothing;
 *   6. the agent is the one holding the receiving number in OUR table (PhoneNumber), never anything else
 *      the request says; a number that isn't ours gets 200 and nothing; one free in our pool is recorded
 *      for nobody (a replay stays a no-op) and its STOP still counts;
 *   7. STOP (and its synonyms) is recorded as an opt-out right here, before the answer, so no text can
 *      reach that person from that number after it, whether or not a worker runs the agent; START lifts it;
 *   8. the event is recorded once per data.id (a replay or a retried delivery finds it: 200, nothing more)
 *      and counted as received; past INBOUND_PER_HOUR texts from one sender to one number, it is recorded
 *      for nobody, so a flood never reaches the conversation;
 *   9. a new HELP is answered with the help line after the response, not before it (a slow Telnyx must not
 *      hold the webhook), unless Telnyx's own auto-response already did (payload.autoresponse_type), at
 *      most HELP_REPLIES_PER_DAY times per sender and number (each reply is a text we pay for).
 */
import { z } from "zod";
import { jsonError } from "@/lib/api/responses";
import { db } from "@/lib/db";
import { recordProviderEvent } from "@/lib/providers/events";
import { oneLine, readSignedEvent } from "@/lib/providers/webhook";
import { countUsage } from "@/lib/providers/usage";
import { hitRateLimit } from "@/lib/rate-limit";
import { sendMessage } from "./api";
import { incomingLine, keywordOf, shownNumber, type Keyword } from "./phone";
import type { TelnyxSettings } from "./settings";
import { checkTelnyxSignature } from "./signature";
import { helpLine, liftOptOut, recordOptOut } from "./texts";

/** A delivery's largest body: a text is at most a few kilobytes, an MMS lists its media by URL. */
export const WEBHOOK_MAX_BYTES = 256 * 1024;
/** How much of a text the event keeps for the agent to read (ten SMS segments). */
const TEXT_CHARS = 1_600;
/** Texts one sender may bring into an agent's conversation in any hour; past it they are recorded for nobody. */
export const INBOUND_PER_HOUR = 30;
/** HELP replies one sender gets from one of our numbers in any day (each costs a text). */
export const HELP_REPLIES_PER_DAY = 3;

const party = z.object({ phone_number: z.string().max(40) }).partial();

const event = z.object({
  data: z.object({
    id: z.string().min(1).max(200),
    event_type: z.string().max(100),
    payload: z
      .object({
        direction: z.string().max(20).optional(),
        from: party.optional(),
        to: z.array(party).max(20).optional(),
        text: z.string().nullish(),
        autoresponse_type: z.string().max(40).nullish(),
      })
      .optional(),
  }),
});

type Payload = NonNullable<z.infer<typeof event>["data"]["payload"]>;

export interface TelnyxWebhookSettings {
  /** The account's Ed25519 public key (base64); undefined: SMS is off. */
  publicKey: string | undefined;
  telnyx: TelnyxSettings | undefined;
  publicUrl: string;
  /** Where a failure after the answer (the HELP reply) is told. */
  log?: (message: string, error: unknown) => void;
  /** Takes the work done after the answer (the HELP reply); default: let it run. Tests await it. */
  later?: (work: Promise<void>) => void;
}

/** Handles one delivery (see the module comment). */
export async function receiveTelnyxWebhook(request: Request, s: TelnyxWebhookSettings): Promise<Response> {
  if (!s.publicKey || !s.telnyx) return jsonError("not_found", "SMS is not enabled on this server.", 404);
  const publicKey = s.publicKey;
  const read = await readSignedEvent(request, {
    maxBytes: WEBHOOK_MAX_BYTES,
    verify: (raw, h) =>
      checkTelnyxSignature(publicKey, {
        signature: h.get("telnyx-signature-ed25519"),
        timestamp: h.get("telnyx-timestamp"),
        body: raw,
      }),
    schema: event,
  });
  if (!read.ok) return read.response;
  const parsed = read.event;
  const { id, event_type: type, payload } = parsed.data;
  if (type !== "message.received" || payload?.direction !== "inbound") return Response.json({ ok: true });
  const receiver = await ourNumber(payload);
  if (!receiver) return Response.json({ ok: true });
  const from = shownNumber(payload.from?.phone_number);
  const text = payload.text ?? "";
  const keyword = keywordOf(text);
  const known = from !== "an unknown number";
  if (known) await keepOptOut(keyword, receiver, from);
  // A sender flooding a number is still answered 200 (Telnyx would retry otherwise), but past the rate
  // its texts are recorded for nobody: they never reach the conversation.
  const flooding =
    known && !(await within(INBOUND_PER_HOUR, 3_600_000, "sms:inbound", receiver.number, from));
  const agentId = flooding ? null : receiver.agentId;
  const isNew = await recordProviderEvent({
    provider: "telnyx",
    eventId: id,
    kind: "message.received",
    agentId,
    // An event for nobody is kept only so its replay is a no-op: it keeps nobody's number or text.
    payload: agentId
      ? {
          line: incomingLine(from, text, keyword),
          from,
          to: receiver.number,
          text: oneLine(text, TEXT_CHARS),
          ...(keyword ? { keyword } : {}),
        }
      : {},
  });
  if (isNew && agentId) {
    await countUsage(agentId, "telnyx", { received: 1 });
    const help = keyword === "help" && known && !payload.autoresponse_type;
    if (help && (await within(HELP_REPLIES_PER_DAY, 86_400_000, "sms:help", receiver.number, from)))
      (s.later ?? ((work) => void work))(answerHelp(s, agentId, receiver.number, from));
  }
  return Response.json({ ok: true });
}

/** Counts one for (our number, their number) in `bucket`; false when `limit` were counted in the window. */
async function within(limit: number, windowMs: number, bucket: string, ours: string, theirs: string) {
  return (await hitRateLimit({ bucket, limit, windowMs }, `${ours}:${theirs}`)).allowed;
}

/** The first receiving number that is ours, with who holds it (null: free in the pool). */
async function ourNumber(payload: Payload): Promise<{ number: string; agentId: string | null } | null> {
  const to = (payload.to ?? []).map((p) => p.phone_number).filter((n): n is string => !!n);
  if (to.length === 0) return null;
  return db.phoneNumber.findFirst({ where: { number: { in: to } }, select: { number: true, agentId: true } });
}

async function keepOptOut(
  keyword: Keyword | undefined,
  receiver: { number: string; agentId: string | null },
  from: string,
): Promise<void> {
  if (keyword === "stop") await recordOptOut(receiver.number, from, receiver.agentId);
  if (keyword === "start") await liftOptOut(receiver.number, from);
}

/** Texts the help line back, after the answer; a failure is logged (Telnyx would not retry it anyway). */
async function answerHelp(s: TelnyxWebhookSettings, agentId: string, number: string, to: string) {
  try {
    const agent = await db.agent.findUniqueOrThrow({ where: { id: agentId }, select: { name: true } });
    await sendMessage(s.telnyx!, number, to, helpLine(agent.name, s.publicUrl));
    await countUsage(agentId, "telnyx", { sent: 1 });
  } catch (error) {
    s.log?.("telnyx: the HELP reply failed", error);
  }
}
