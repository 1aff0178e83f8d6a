/**
 * The thread that reads a PDF's text (lib/attachments/pdf-text.ts starts it). Plain JavaScript so it loads
 * the same under node, tsx and vitest, with no loader.
 *
 * For each PDF (bytes, plus the most pages and characters to read) it posts the text read so far after
 * every page as a partial result, then the whole as its result: a PDF that takes too long (the caller's
 * deadline terminates this thread) still gives the pages already read.
 */
import { parentPort } from "node:worker_threads";
import { getDocumentProxy } from "unpdf";

parentPort.on("message", async ({ bytes, maxPages, maxChars }) => {
  let doc;
  try {
    doc = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, disableFontFace: true });
    const pages = Math.min(doc.numPages, maxPages);
    let text = "";
    for (let i = 1; i <= pages && text.length <= maxChars; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      text += content.items.map((item) => ("str" in item ? item.str : "")).join(" ") + "\n\n";
      page.cleanup();
      parentPort.postMessage({ partial: { text, cut: true } });
    }
    parentPort.postMessage({ result: { text, cut: doc.numPages > pages || text.length > maxChars } });
  } catch (error) {
    parentPort.postMessage({ error: String(error?.message ?? error) });
  } finally {
    // Never throw from here: the result is posted, and an error now would end the thread under the next PDF.
    await Promise.resolve()
      .then(() => (doc?.loadingTask ?? doc)?.destroy?.())
      .catch(() => undefined);
  }
});
