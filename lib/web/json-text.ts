/**
 * A JSON body re-indented for reading, without parsing it: one pass over the
 * text that writes each token with one space of indent per level (as
 * `JSON.stringify(value, null, 1)` did) and stops once `maxChars` are written.
 * Containers deeper than JSON_MAX_DEPTH are written "[…]" / "{…}" and values
 * past JSON_MAX_NODES are left out.
 *
 * Why not JSON.parse + stringify: stringify indented every element by its
 * depth before the cut (a 102 KB array nested 1,000 deep took 595 ms to give
 * 20,008 characters; at 1 MB the string reaches hundreds of MB), and parsing
 * 1 MB alone costs 100–250 ms of the worker's thread. Here the work is one
 * character loop over at most the body (a skipped container is scanned once),
 * and a body that is not valid JSON (cut at 1 MB, say) still reads.
 */

export const JSON_MAX_DEPTH = 20;
export const JSON_MAX_NODES = 20_000;

const QUOTE = 34;
const BACKSLASH = 92;
const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;
const isOpen = (c: number) => c === 91 || c === 123; // [ {
const isClose = (c: number) => c === 93 || c === 125; // ] }
// Where a bare token (number, true, false, null, or junk) ends.
const endsToken = (c: number) => isSpace(c) || isOpen(c) || isClose(c) || c === 44 || c === 58 || c === QUOTE;

/** The index just past the string that starts at `i` (a quote), or the text's end. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return text.length;
}

/** The index just past the container that opens at `i`, or the text's end. */
function containerEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) j = stringEnd(text, j) - 1;
    else if (isOpen(c)) depth++;
    else if (isClose(c) && --depth === 0) return j + 1;
  }
  return text.length;
}

/** `json` re-indented, at most `maxChars` long; `cut` when anything was left out. */
export function jsonText(json: string, maxChars: number): { text: string; cut: boolean } {
  const indents = Array.from({ length: JSON_MAX_DEPTH + 2 }, (_, d) => `\n${" ".repeat(d)}`);
  const parts: string[] = [];
  let length = 0;
  let nodes = 0;
  let depth = 0;
  let cut = false;
  const write = (s: string) => {
    parts.push(s);
    length += s.length;
  };
  const skipSpace = (j: number) => {
    while (j < json.length && isSpace(json.charCodeAt(j))) j++;
    return j;
  };

  let i = skipSpace(0);
  while (i < json.length) {
    if (length >= maxChars || nodes >= JSON_MAX_NODES) {
      cut = true;
      break;
    }
    const c = json.charCodeAt(i);
    if (isOpen(c)) {
      nodes++;
      const next = skipSpace(i + 1);
      if (isClose(json.charCodeAt(next))) {
        write(json[i] + json[next]);
        i = next + 1;
      } else if (depth >= JSON_MAX_DEPTH) {
        write(c === 91 ? "[…]" : "{…}");
        cut = true;
        i = containerEnd(json, i);
      } else {
        depth++;
        write(json[i] + indents[depth]);
        i = next;
        continue;
      }
    } else if (isClose(c)) {
      depth = Math.max(0, depth - 1);
      write(indents[depth] + json[i]);
      i++;
    } else if (c === 44) {
      write(`,${indents[Math.min(depth, JSON_MAX_DEPTH + 1)]}`);
      i++;
    } else if (c === 58) {
      write(": ");
      i++;
    } else {
      const end = c === QUOTE ? stringEnd(json, i) : tokenEnd(json, i);
      nodes++;
      write(json.slice(i, end));
      i = end;
    }
    i = skipSpace(i);
  }
  let text = parts.join("");
  if (text.length > maxChars) {
    text = text.slice(0, maxChars);
    cut = true;
  }
  return { text, cut };
}

function tokenEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && !endsToken(text.charCodeAt(j))) j++;
  return j;
}
