/**
 * A fetched page as text a model can read: HTML through Mozilla's Readability
 * (Firefox's reader view) over linkedom's DOM, in a worker thread under a
 * deadline (html-text.ts), falling back to the body's text; JSON re-indented
 * within caps, without parsing (json-text.ts); plain text as it is. Whitespace collapsed,
 * length capped.
 *
 * Everything here that runs on the caller's thread is linear in the page's
 * size: a page is at most 1 MB, and the old whitespace regex
 * (`/\s*\n\s*\/g`) took 2.5 s on 64,000 "\r" and would have taken minutes on 1 MB.
 */
import { htmlText, HTML_TIMEOUT_MS } from "./html-text";
import { jsonText } from "./json-text";
import type { FetchedPage } from "./safe-fetch";

/** What the model reads of one page at most. */
export const READABLE_MAX_CHARS = 20_000;

/**
 * Each run of whitespace becomes one space, or one line break when the run has
 * one ("\n", "\r\n" or "\r"), or a blank line when it has two or more. One
 * regex pass: `\s+` matches each run once, greedily, with nothing after it to
 * fail, so the engine never backtracks into a run.
 */
export function tidy(text: string): string {
  return text
    .replace(/\s+/g, (run) => {
      let breaks = 0;
      for (let i = 0; i < run.length && breaks < 2; i++) {
        const c = run.charCodeAt(i);
        if (c === 10 || (c === 13 && run.charCodeAt(i + 1) !== 10)) breaks++;
      }
      return breaks === 0 ? " " : breaks === 1 ? "\n" : "\n\n";
    })
    .trim();
}

/** The page's title (when it has one) and readable text, at most READABLE_MAX_CHARS. */
export async function readableText(
  page: Pick<FetchedPage, "contentType" | "text" | "truncated">,
  options: { htmlTimeoutMs?: number } = {},
): Promise<{ title: string; text: string }> {
  let title = "";
  let text: string;
  let cut = page.truncated;
  if (page.contentType === "text/html" || page.contentType === "application/xhtml+xml") {
    ({ title, text } = await htmlText(page.text, options.htmlTimeoutMs ?? HTML_TIMEOUT_MS));
    text = tidy(text);
    title = tidy(title).slice(0, 500);
  } else if (page.contentType.endsWith("json")) {
    const json = jsonText(page.text, READABLE_MAX_CHARS);
    text = json.text;
    cut ||= json.cut;
  } else text = tidy(page.text);
  cut ||= text.length > READABLE_MAX_CHARS;
  return { title, text: cut ? `${text.slice(0, READABLE_MAX_CHARS)}\n[… cut]` : text };
}
