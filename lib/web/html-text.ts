/**
 * HTML to text off the worker's thread. linkedom's parser and Readability are
 * super-linear on hostile pages (1,000 nested <div>s, 5 KB, took 10 s; 100,000
 * took minutes), and synchronous code can't be interrupted, so they run in
 * worker threads (html-worker.mjs) that are terminated at a deadline.
 *
 * Starting a thread costs tens of milliseconds (a V8 isolate, then linkedom
 * and Readability loaded: bench/pages.ts measures it), so up to HTML_THREADS
 * are kept and reused (a deadline pool: lib/threads/deadline-pool.ts); an idle
 * one ends after HTML_IDLE_MS, and none keeps the process alive unless it is
 * on a page. Pages beyond the threads wait their turn; a page's deadline
 * starts when a thread that has loaded its libraries takes it. At the deadline the thread is terminated: the
 * body's text is used when the parse had got that far, otherwise the page is
 * refused with a FetchError the model can read.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DeadlineExceeded } from "@/lib/deadlines";
import { DeadlinePool, TaskFailed, ThreadExited } from "@/lib/threads/deadline-pool";
import { FetchError } from "./safe-fetch";

/** How long one page may take to parse and read. */
export const HTML_TIMEOUT_MS = 5_000;
/** Parsing threads at most (the machine's cores are shared with everything else). */
const HTML_THREADS = 2;
const HTML_IDLE_MS = 30_000;
/** The time a fresh parsing thread has to load linkedom and Readability (seconds on a busy machine). */
const HTML_START_MS = 10_000;
/** Heap of one parsing thread; beyond it the thread dies and the page is refused as too large. */
const HTML_HEAP_MB = 512;

// Computed when a thread starts, not at import, and not `new URL("./…", import.meta.url)`, which bundlers rewrite:
// the web app bundles this module (it lists the tools) but never starts a thread.
const entry = () => path.join(path.dirname(fileURLToPath(import.meta.url)), "html-worker.mjs");

export interface PageText {
  title: string;
  text: string;
}

const pool = new DeadlinePool<PageText>({
  threads: HTML_THREADS,
  idleMs: HTML_IDLE_MS,
  startMs: HTML_START_MS,
  announcesReady: true, // html-worker.mjs: a page's deadline starts when the thread has loaded
  // execArgv: [] — the entry is plain JavaScript, so the thread needs no loader (tsx, vitest) of its parent.
  start: () =>
    new Worker(entry(), { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: HTML_HEAP_MB } }),
});

/** Why a page could not be read, in words the model can act on. */
function unreadable(error: unknown, timeoutMs: number): string {
  if (error instanceof DeadlineExceeded)
    return `the page is too complex to read (parsing took longer than ${timeoutMs / 1000} s)`;
  if (error instanceof TaskFailed) return `the page could not be parsed (${error.message})`;
  if (error instanceof ThreadExited) return "the parsing thread stopped";
  const e = error as Error & { code?: string };
  if (e.code === "ERR_WORKER_OUT_OF_MEMORY") return "the page is too large to read";
  return `reading the page failed (${e.message})`;
}

/** The page's title and text (Readability's article, else the body's text), within `timeoutMs` of parsing. */
export async function htmlText(html: string, timeoutMs = HTML_TIMEOUT_MS): Promise<PageText> {
  try {
    return await pool.run(html, timeoutMs);
  } catch (error) {
    throw new FetchError("unreadable", unreadable(error, timeoutMs));
  }
}
