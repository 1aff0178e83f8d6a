/**
 * A PDF's text, off the worker's thread: pdf.js (unpdf's build, no install step, no network) on worker
 * threads of a deadline pool (lib/threads/deadline-pool.ts), PDF_TIMEOUT_MS per file, at most PDF_MAX_PAGES
 * pages and a heap of PDF_HEAP_MB. A hostile PDF can make a parser loop or swell; here it only loses its
 * thread. At the deadline the pages read so far are used.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DeadlinePool } from "@/lib/threads/deadline-pool";
import { AttachmentError } from "./download";

export const PDF_TIMEOUT_MS = 10_000;
export const PDF_MAX_PAGES = 50;
const PDF_MAX_CHARS = 40_000;
const PDF_THREADS = 1;
const PDF_IDLE_MS = 30_000;
const PDF_HEAP_MB = 512;

// Computed when a thread starts, not at import (bundlers rewrite `new URL("./…", import.meta.url)`).
const entry = () => path.join(path.dirname(fileURLToPath(import.meta.url)), "pdf-worker.mjs");

interface PdfInput {
  bytes: Uint8Array;
  maxPages: number;
  maxChars: number;
}

const pool = new DeadlinePool<{ text: string; cut: boolean }>({
  threads: PDF_THREADS,
  idleMs: PDF_IDLE_MS,
  startMs: 2_000, // loading pdf.js
  start: () => new Worker(entry(), { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: PDF_HEAP_MB } }),
});

/** The text of the PDF `bytes` (the first PDF_MAX_PAGES pages); throws AttachmentError when none can be read. */
export async function pdfText(bytes: Uint8Array): Promise<{ text: string; cut: boolean }> {
  try {
    const input: PdfInput = { bytes, maxPages: PDF_MAX_PAGES, maxChars: PDF_MAX_CHARS };
    return await pool.run(input, PDF_TIMEOUT_MS);
  } catch {
    throw new AttachmentError("type_mismatch", "its PDF could not be read");
  }
}
