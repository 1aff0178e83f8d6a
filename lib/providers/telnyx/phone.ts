/**
 * Phone numbers and texts as strangers write them: a US number in any of the usual spellings, turned into
 * E.164 or refused; the keywords carriers require us to honour (STOP and its synonyms, START, HELP); and the
 * one line an incoming text becomes in the agent's conversation.
 *
 * Texts go to US numbers only. The +1 plan also holds Canada and about twenty Caribbean and Atlantic
 * countries, whose numbers look the same: their area codes are refused by name (NON_US_AREA_CODES). US
 * territories (Puerto Rico, the Virgin Islands, Guam, American Samoa, the Northern Marianas) are the US.
 */

import { oneLine } from "@/lib/providers/webhook";

/** Area codes of the +1 plan that are not the United States: Canada, then the other NANP countries. */
const NON_US_AREA_CODES = new Set(
  [
    // Canada (geographic and non-geographic)
    "204 226 236 249 250 257 263 289 306 343 354 365 367 368 382 403 416 418 428 431 437 438 450 460 468",
    "474 506 514 519 548 579 581 584 587 600 604 613 622 639 647 672 683 705 709 742 753 778 780 782 807",
    "819 825 867 873 879 902 905 942",
    // The Caribbean and the Atlantic
    "242 246 264 268 284 345 441 473 649 658 664 721 758 767 784 809 829 849 868 869 876",
  ]
    .join(" ")
    .split(" "),
);

export type UsNumber = { ok: true; number: string } | { ok: false; why: string };

/** "(415) 555-0134", "415.555.0134", "+1 415 555 0134" → "+14155550134"; anything else refused with why. */
export function usNumber(input: string): UsNumber {
  const trimmed = input.trim();
  if (trimmed.length > 40 || !/^\+?[\d\s().-]+$/.test(trimmed))
    return { ok: false, why: "that is not a phone number" };
  let digits = trimmed.replace(/\D/g, "");
  if (trimmed.startsWith("+") && !digits.startsWith("1"))
    return { ok: false, why: "texts go to US numbers only (+1)" };
  if (digits.length === 11 && digits.startsWith("1")) digits = digits.slice(1);
  if (digits.length !== 10) return { ok: false, why: "a US number has 10 digits after +1" };
  // NANP: neither the area code nor the exchange starts with 0 or 1.
  if (!/^[2-9]\d{2}[2-9]\d{6}$/.test(digits)) return { ok: false, why: "that is not a valid US number" };
  if (NON_US_AREA_CODES.has(digits.slice(0, 3)))
    return { ok: false, why: "that number is outside the US (texts go to US numbers only)" };
  return { ok: true, number: `+1${digits}` };
}

/** What an incoming text asks of us, by the keywords carriers require (the whole text, any case). */
export type Keyword = "stop" | "start" | "help";

const KEYWORDS: Record<string, Keyword> = {
  stop: "stop",
  stopall: "stop",
  "stop all": "stop",
  unsubscribe: "stop",
  cancel: "stop",
  end: "stop",
  quit: "stop",
  optout: "stop",
  revoke: "stop",
  start: "start",
  unstop: "start",
  help: "help",
  info: "help",
};

/** The keyword a text is, when it is one: only the whole text counts ("please stop texting" is a text). */
export function keywordOf(text: string): Keyword | undefined {
  if (text.length > 40) return undefined;
  const word = text
    .trim()
    .toLowerCase()
    .replace(/[.!\s]+$/, "")
    .replace(/\s+/g, " ");
  return Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
}

/** How much of a text the conversation's line shows. */
export const LINE_TEXT_CHARS = 280;

/** A sender's number as the line shows it: E.164 as Telnyx gave it, else a placeholder (it is not ours to trust). */
export const shownNumber = (number: unknown): string =>
  typeof number === "string" && /^\+?\d{3,15}$/.test(number) ? number : "an unknown number";

/** The line posted in the agent's conversation for an incoming text. */
export function incomingLine(from: string, text: string, keyword: Keyword | undefined): string {
  if (keyword === "stop") return `${from} replied STOP: no more texts will be sent to that number.`;
  if (keyword === "start") return `${from} replied START: texts to that number are allowed again.`;
  if (keyword === "help") return `${from} texted HELP: the help line was sent back.`;
  const shown = oneLine(text, LINE_TEXT_CHARS);
  return `New text from ${from}: ${shown || "(no text)"}`;
}
