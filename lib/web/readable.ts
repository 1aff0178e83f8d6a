/**
 * A fetched page as text a model can read: HTML through Mozilla's Readability
 * (Firefox's reader view) over linkedom's DOM, in a worker thread under a
 * deadline (html-text.ts), falling back to the body's text; JSON re-indented
 * within caps, without parsing (json-text.ts); plain text as it is.
 * Whitespace collapsed, length capped.
 *
 * What runs on the caller's thread is linear in the page's size and stops
 * once the text to read is written: a page is at most 1 MB, and the old
 * whitespace regex (`/\s*\n\s*\/g`) took 2.5 s on 64,000 "\r" and would
 * have taken minutes on 1 MB.
 */
import { htmlText, HTML_TIMEOUT_MS } from "./html-text";
import { jsonText } from "./json-text";
import type { FetchedPage } from "./safe-fetch";

/** What the model reads of one page at most. */
export const READABLE_MAX_CHARS = 20_000;

const RUN = /(?: (?=\s)|[^\S ])\s*/g;
const SPACE_AT = /\s*/y;
const TIDY_CHUNK = 16_384;

const collapse = (run: string) => {
  let breaks = 0;
  for (let i = 0; i < run.length && breaks < 2; i++) {
    const c = run.charCodeAt(i);
    if (c === 10 || (c === 13 && run.charCodeAt(i + 1) !== 10)) breaks++;
  }
  return breaks === 0 ? " " : breaks === 1 ? "\n" : "\n\n";
};

/**
 * Each run of whitespace becomes one space, or one line break when the run has
 * one ("\n", "\r\n" or "\r"), or a blank line when it has two or more; at
 * most about `maxChars` are tidied (the rest would be cut anyway).
 *
 * Linear: RUN matches a run at its first character and takes it whole (`\s*`
 * with nothing after it that could fail), so the engine never retries inside
 * a run; a lone space, the common case, is not matched at all. The old
 * `/\s*\n\s*\/g` retried every start of a run that held no "\n" (a run of
 * "\r"): quadratic. Each run costs a replacer call and writes at least one
 * character, so the text is tidied in chunks (never splitting a run) until
 * `maxChars` are written: 1 MB of "a\r" costs 20,000 calls, not 500,000.
 */
export function tidy(text: string, maxChars = Infinity): string {
  let out = "";
  for (let start = 0; start < text.length && out.length <= maxChars + 2;) {
    let end = Math.min(start + TIDY_CHUNK, text.length);
    if (/\s/.test(text[end - 1] ?? "")) {
      SPACE_AT.lastIndex = end;
      SPACE_AT.exec(text); // extend the chunk to the end of the run it ends in
      end = SPACE_AT.lastIndex;
    }
    out += text.slice(start, end).replace(RUN, collapse);
    start = end;
  }
  return out.trim();
}

/**
 * The page's title (when it has one) and readable text, at most READABLE_MAX_CHARS; rejects with
 * FetchError "unreadable" when an HTML page yields nothing within its parsing deadline.
 */
export async function readableText(
  page: Pick<FetchedPage, "contentType" | "text" | "truncated">,
  options: { htmlTimeoutMs?: number } = {},
): Promise<{ title: string; text: string }> {
  let title = "";
  let text: string;
  let cut = page.truncated;
  if (page.contentType === "text/html" || page.contentType === "application/xhtml+xml") {
    ({ title, text } = await htmlText(page.text, options.htmlTimeoutMs ?? HTML_TIMEOUT_MS));
    text = tidy(text, READABLE_MAX_CHARS);
    title = tidy(title, 500).slice(0, 500);
  } else if (page.contentType.endsWith("json")) {
    const json = jsonText(page.text, READABLE_MAX_CHARS);
    text = json.text;
    cut ||= json.cut;
  } else text = tidy(page.text, READABLE_MAX_CHARS);
  cut ||= text.length > READABLE_MAX_CHARS;
  return { title, text: cut ? `${text.slice(0, READABLE_MAX_CHARS)}\n[… cut]` : text };
}
