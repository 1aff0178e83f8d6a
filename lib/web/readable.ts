/**
 * A fetched page as text a model can read: HTML through Mozilla's Readability
 * (Firefox's reader view) over linkedom's DOM, falling back to the body's text;
 * JSON pretty-printed; plain text as it is. Whitespace collapsed, length capped.
 */
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import type { FetchedPage } from "./safe-fetch";

/** What the model reads of one page at most. */
export const READABLE_MAX_CHARS = 20_000;

const tidy = (text: string) =>
  text
    .replace(/[ \t\f\v\u00a0]+/g, " ")
    .replace(/\s*\n\s*/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

function htmlText(html: string): { title: string; text: string } {
  const { document } = parseHTML(html);
  const title = document.title?.trim() ?? "";
  try {
    const article = new Readability(document as unknown as Document).parse();
    if (article?.textContent?.trim())
      return { title: article.title?.trim() || title, text: article.textContent };
  } catch {
    // Readability gives up on some documents: the body's text is still worth reading.
  }
  for (const el of document.querySelectorAll("script, style, noscript, template")) el.remove();
  return { title, text: document.body?.textContent ?? document.documentElement?.textContent ?? "" };
}

/** The page's title (when it has one) and readable text, at most READABLE_MAX_CHARS. */
export function readableText(page: Pick<FetchedPage, "contentType" | "text" | "truncated">): {
  title: string;
  text: string;
} {
  let title = "";
  let text: string;
  if (page.contentType === "text/html" || page.contentType === "application/xhtml+xml") {
    ({ title, text } = htmlText(page.text));
    text = tidy(text);
  } else if (page.contentType.endsWith("json")) {
    try {
      text = JSON.stringify(JSON.parse(page.text), null, 1);
    } catch {
      text = page.text;
    }
  } else text = tidy(page.text);
  const cut = text.length > READABLE_MAX_CHARS || page.truncated;
  return { title, text: cut ? `${text.slice(0, READABLE_MAX_CHARS)}\n[… cut]` : text };
}
