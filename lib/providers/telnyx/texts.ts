/**
 * Sending a text for an agent, under the rules carriers set for a business texting people:
 *
 *   - US numbers only (./phone.ts);
 *   - never to someone who replied STOP to the agent's number (SmsOptOut; START lifts it), which Telnyx
 *     also enforces on its side (error 40300: we then record the opt-out too);
 *   - the first text to someone carries the disclosure: who is texting, that it is an AI agent, for whom,
 *     and how to opt out (SmsContact remembers it was sent; a crash between the send and that write sends
 *     it once more next time, never misses it);
 *   - at most TELNYX_SENDS_PER_HOUR texts per agent in any hour (lib/rate-limit.ts).
 *
 * A refusal is a TextRefused, written for the model to pass on; a provider failure is a ProviderError.
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ProviderError } from "@/lib/providers/http";
import { countUsage } from "@/lib/providers/usage";
import { describeWait, hitRateLimit } from "@/lib/rate-limit";
import { sendMessage, telnyxErrorCodes } from "./api";
import { ensureNumber } from "./numbers";
import { oneLine } from "@/lib/providers/webhook";
import { usNumber } from "./phone";
import type { TelnyxSettings } from "./settings";

/** Telnyx's error code for a recipient who replied STOP. */
const BLOCKED_BY_STOP = "40300";
/** How much of the agent's name and the asker's the disclosure shows. */
const NAME_CHARS = 40;

export class TextRefused extends AppError {
  constructor(message: string) {
    super("text_refused", message, 400);
  }
}

/** The disclosure a first text opens with. */
export function disclosure(agentName: string, forWhom: string): string {
  return `${agentName}, an AI agent, texting for ${forWhom} in a Convos group. Reply STOP to opt out, HELP for help.`;
}

/** What a HELP reply says. */
export function helpLine(agentName: string, publicUrl: string): string {
  return `${agentName} is an AI agent texting for people in a Convos group (${publicUrl}). Reply STOP to opt out. Msg & data rates may apply.`;
}

/** Records that `peer` replied STOP to our `number` (idempotent). */
export async function recordOptOut(number: string, peer: string, agentId: string | null): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "SmsOptOut" (number, peer, "agentId") VALUES (${number}, ${peer}, ${agentId})
    ON CONFLICT (number, peer) DO NOTHING`;
}

/** Lifts an opt-out (`peer` replied START). */
export async function liftOptOut(number: string, peer: string): Promise<void> {
  await db.smsOptOut.deleteMany({ where: { number, peer } });
}

export interface TextRequest {
  agentId: string;
  agentName: string;
  /** Who in the conversation asked for the text: the disclosure names them. */
  askedBy: string;
  /** The recipient as the person wrote it. */
  to: string;
  text: string;
}

/** Sends the text and says what was done, in a line for the model; refusals are TextRefused. */
export async function sendText(s: TelnyxSettings, req: TextRequest): Promise<string> {
  const to = usNumber(req.to);
  if (!to.ok) throw new TextRefused(`Not sent: ${to.why}.`);
  const from = await ensureNumber(s, req.agentId);
  const optedOut = await db.smsOptOut.findUnique({
    where: { number_peer: { number: from.number, peer: to.number } },
  });
  if (optedOut) throw new TextRefused(`Not sent: ${to.number} replied STOP, so they get no more texts.`);
  const allowed = await hitRateLimit(
    { bucket: "sms:agent", limit: s.sendsPerHour, windowMs: 3_600_000 },
    req.agentId,
  );
  if (!allowed.allowed)
    throw new TextRefused(
      `Not sent: this agent may send ${s.sendsPerHour} texts an hour; try again in ${describeWait(allowed.retryAfterMs)}.`,
    );
  const contact = { agentId: req.agentId, number: from.number, peer: to.number };
  const first = !(await db.smsContact.findUnique({ where: { agentId_number_peer: contact } }));
  // Names are people's own words: one short line each, before a stranger's phone shows them.
  const said = disclosure(oneLine(req.agentName, NAME_CHARS), oneLine(req.askedBy, NAME_CHARS) || "someone");
  const body = first ? `${said}\n\n${req.text}` : req.text;
  try {
    const sent = await sendMessage(s, from.number, to.number, body);
    await countUsage(req.agentId, "telnyx", { sent: 1, spentMicros: sent.costMicros });
  } catch (error) {
    if (error instanceof ProviderError && telnyxErrorCodes(error).includes(BLOCKED_BY_STOP)) {
      await recordOptOut(from.number, to.number, req.agentId);
      throw new TextRefused(`Not sent: ${to.number} replied STOP, so they get no more texts.`);
    }
    throw error;
  }
  if (first) await db.smsContact.createMany({ data: [contact], skipDuplicates: true });
  return `Texted ${to.number} from ${from.number}${first ? " (a first text: it began with the disclosure)" : ""}.`;
}
