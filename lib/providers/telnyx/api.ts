/**
 * The calls we make to Telnyx's API v2, each through lib/providers/http.ts (deadline, retries on 5xx and
 * 429, errors without the key), and each answer parsed into our own small shapes here, at the edge:
 *
 *   GET   /available_phone_numbers?filter[country_code]=US&filter[features][]=sms&filter[limit]=N
 *   POST  /number_orders               {phone_numbers: [{phone_number}], messaging_profile_id}
 *   PATCH /phone_numbers/{id}/messaging {messaging_profile_id}
 *   POST  /messages                    {from, to, text, messaging_profile_id}
 */
import { providerRequest, ProviderError } from "@/lib/providers/http";
import type { TelnyxSettings } from "./settings";

const call = <T>(s: TelnyxSettings, method: "GET" | "POST" | "PATCH", path: string, body?: unknown) =>
  providerRequest<T>({ provider: "telnyx", baseUrl: s.baseUrl, apiKey: s.apiKey, method, path, body });

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A Telnyx answer that lacks what we need: a failure of theirs, never retried as if it were ours. */
function malformed(what: string): ProviderError {
  return new ProviderError("telnyx", 502, `unexpected answer: ${what}`);
}

/** US numbers that can text, available to order now (at most `limit`), E.164. */
export async function searchNumbers(s: TelnyxSettings, limit: number): Promise<string[]> {
  const query = new URLSearchParams({
    "filter[country_code]": "US",
    "filter[features][]": "sms",
    "filter[limit]": String(limit),
  });
  const { body } = await call<unknown>(s, "GET", `/available_phone_numbers?${query}`);
  const data = record(body).data;
  if (!Array.isArray(data)) throw malformed("no data list in the number search");
  return data.map((n) => str(record(n).phone_number)).filter((n): n is string => n !== undefined);
}

export interface OrderedNumber {
  /** Telnyx's id of the ordered number. */
  id: string;
  number: string;
}

/** Orders one number onto our messaging profile. A 409 or 422 (someone else got it) is thrown as it came. */
export async function orderNumber(s: TelnyxSettings, number: string): Promise<OrderedNumber> {
  const { body } = await call<unknown>(s, "POST", "/number_orders", {
    phone_numbers: [{ phone_number: number }],
    messaging_profile_id: s.messagingProfileId,
  });
  const numbers = record(record(body).data).phone_numbers;
  const ordered = Array.isArray(numbers)
    ? numbers.map(record).find((n) => n.phone_number === number)
    : undefined;
  const id = str(ordered?.id);
  if (!id) throw malformed("the number order does not name the number");
  return { id, number };
}

/** Assigns the number (Telnyx's id) to our messaging profile, so it sends and its texts reach our webhook. */
export async function assignMessagingProfile(s: TelnyxSettings, telnyxId: string): Promise<void> {
  await call(s, "PATCH", `/phone_numbers/${encodeURIComponent(telnyxId)}/messaging`, {
    messaging_profile_id: s.messagingProfileId,
  });
}

export interface SentText {
  /** Telnyx's message id. */
  id: string;
  /** What it cost, in millionths of a US dollar, when Telnyx said (it often says later). */
  costMicros?: number;
}

/** Sends one text. */
export async function sendMessage(
  s: TelnyxSettings,
  from: string,
  to: string,
  text: string,
): Promise<SentText> {
  const { body } = await call<unknown>(s, "POST", "/messages", {
    from,
    to,
    text,
    messaging_profile_id: s.messagingProfileId,
  });
  const data = record(record(body).data);
  const id = str(data.id);
  if (!id) throw malformed("the message has no id");
  const cost = record(data.cost);
  const amount = Number(cost.amount);
  const usd = cost.currency === "USD" && Number.isFinite(amount) && amount >= 0;
  return usd ? { id, costMicros: Math.round(amount * 1e6) } : { id };
}

/** Telnyx's error codes in a failure's body ("40300": the recipient replied STOP). */
export function telnyxErrorCodes(error: ProviderError): string[] {
  const errors = record(error.body).errors;
  return Array.isArray(errors) ? errors.map((e) => String(record(e).code ?? "")) : [];
}
