/**
 * The thread that turns HTML into text (lib/web/html-text.ts starts it). Plain
 * JavaScript so it loads the same under node, tsx and vitest, with no loader.
 *
 * For each page it posts two messages (lib/threads/deadline-pool.ts): first
 * the body's text (scripts and styles removed) as a partial result, then
 * Readability's article, or the body's text when it finds none. linkedom's
 * parser and Readability are both super-linear on some pages (1,000 nested
 * <div>s: 10 s), so the main thread may terminate this thread at its deadline;
 * the first message then still gives it something to read. Once its libraries are loaded it says so
 * (`{ ready: true }`), and the page's deadline starts then.
 */
import { parentPort } from "node:worker_threads";
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";

parentPort.on("message", (html) => {
  try {
    const { document } = parseHTML(html);
    const title = document.title?.trim() ?? "";
    for (const el of document.querySelectorAll("script, style, noscript, template")) el.remove();
    const body = document.body?.textContent ?? document.documentElement?.textContent ?? "";
    const text = { title, text: body };
    parentPort.postMessage({ partial: text });
    let article;
    try {
      article = new Readability(document).parse();
    } catch {
      // Readability gives up on some documents: the body's text is still worth reading.
    }
    if (article?.textContent?.trim())
      parentPort.postMessage({
        result: { title: article.title?.trim() || title, text: article.textContent },
      });
    else parentPort.postMessage({ result: text });
  } catch (error) {
    parentPort.postMessage({ error: String(error?.message ?? error) });
  }
});

parentPort.postMessage({ ready: true });
