/** Splitting a long answer into chat-sized messages. */

export const MAX_MESSAGE_CHARS = 1_500;

/**
 * Splits `text` into parts of at most `max` characters, preferring paragraph
 * breaks, then line breaks, then sentence ends, then spaces; a single word
 * longer than `max` is cut. Parts are trimmed and never empty.
 */
export function splitAnswer(text: string, max = MAX_MESSAGE_CHARS): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut =
      lastBreak(window, /\n\s*\n/g, max) ??
      lastBreak(window, /\n/g, max) ??
      lastBreak(window, /[.!?…](?=\s)/g, max, 1) ??
      lastBreak(window, /\s/g, max) ??
      max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts.filter((p) => p !== "");
}

/** The end of the last match of `re` in `s` at or before `max` (plus `keep` characters of the match), past a third of `max`. */
function lastBreak(s: string, re: RegExp, max: number, keep = 0): number | undefined {
  let at: number | undefined;
  for (const m of s.matchAll(re)) {
    const end = m.index + keep;
    if (end <= max && end > max / 3) at = end;
  }
  return at;
}
