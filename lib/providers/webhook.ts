/**
 * What every provider webhook does before its own work: the raw body read once and capped (a signature is
 * over the bytes as they came), the signature checked before anything else is looked at, then the JSON
 * parsed against the provider's schema. Each step answers its own refusal (413, 401, 400) and records
 * nothing. Also the one way a stranger's text (a subject, an SMS) becomes one safe line.
 */
import type { z } from "zod";
import { BodyTooLargeError, readBodyCapped } from "@/lib/api/body";
import { jsonError } from "@/lib/api/responses";

export type SignedEvent<T, C> = { ok: true; event: T; check: C } | { ok: false; response: Response };

/** Reads `request`'s body within `maxBytes`, checks it with `verify`, parses it with `schema`. */
export async function readSignedEvent<T, C extends { ok: boolean }>(
  request: Request,
  o: { maxBytes: number; verify: (raw: string, headers: Headers) => C; schema: z.ZodType<T> },
): Promise<SignedEvent<T, C & { ok: true }>> {
  let raw: string;
  try {
    raw = await readBodyCapped(request, o.maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return { ok: false, response: jsonError(error.code, error.message, error.status) };
    throw error;
  }
  const check = o.verify(raw, request.headers);
  if (!check.ok)
    return { ok: false, response: jsonError("bad_signature", "The webhook signature does not verify.", 401) };
  try {
    return { ok: true, event: o.schema.parse(JSON.parse(raw)), check: check as C & { ok: true } };
  } catch {
    return { ok: false, response: jsonError("bad_request", "The event is not one we can read.", 400) };
  }
}

/** Text from outside made safe for one line: control and format characters (bidi overrides too) become spaces, cut to `max`. */
export function oneLine(text: string, max: number): string {
  const clean = text
    .slice(0, max * 4)
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}
