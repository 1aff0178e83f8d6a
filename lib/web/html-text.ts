/**
 * HTML to text off the worker's thread. linkedom's parser and Readability are
 * super-linear on hostile pages (1,000 nested <div>s, 5 KB, took 10 s; 100,000
 * took minutes), and synchronous code can't be interrupted, so they run in
 * worker threads (html-worker.mjs) that are terminated at a deadline.
 *
 * Starting a thread costs tens of milliseconds (a V8 isolate, then linkedom
 * and Readability loaded: bench/pages.ts measures it), so up to HTML_THREADS
 * are kept and reused; an idle one ends after HTML_IDLE_MS, and none keeps the
 * process alive. Pages beyond the threads wait their turn; a page's deadline
 * starts when a thread takes it. At the deadline the thread is terminated: the
 * body's text is used when the parse had got that far, otherwise the page is
 * refused with a FetchError the model can read.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { FetchError } from "./safe-fetch";

/** How long one page may take to parse and read. */
export const HTML_TIMEOUT_MS = 5_000;
/** Parsing threads at most (the machine's cores are shared with everything else). */
const HTML_THREADS = 2;
const HTML_IDLE_MS = 30_000;
/** Heap of one parsing thread; beyond it the thread dies and the page is refused as too large. */
const HTML_HEAP_MB = 512;

// Computed when a thread starts, not at import, and not `new URL("./…", import.meta.url)`, which bundlers rewrite:
// the web app bundles this module (it lists the tools) but never starts a thread.
const entry = () => path.join(path.dirname(fileURLToPath(import.meta.url)), "html-worker.mjs");

export interface PageText {
  title: string;
  text: string;
}

interface Reply {
  kind: "body" | "article" | "done" | "error";
  title?: string;
  text?: string;
  message?: string;
}

interface Job {
  html: string;
  timeoutMs: number;
  resolve: (r: PageText) => void;
  reject: (e: Error) => void;
}

const unreadable = (message: string) => new FetchError("unreadable", message);

/** One thread and the page it is on; tells the pool when it is free again or gone. */
class ParseThread {
  private readonly worker: Worker;
  private idle?: NodeJS.Timeout;
  private job?: Job;
  private body?: PageText;
  private deadline?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly free: (t: ParseThread) => void,
    private readonly gone: (t: ParseThread) => void,
  ) {
    // execArgv: [] — the entry is plain JavaScript, so the thread needs no loader (tsx, vitest) of its parent.
    this.worker = new Worker(entry(), {
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: HTML_HEAP_MB },
    });
    this.worker.unref();
    this.worker.on("message", (r: Reply) => this.reply(r));
    this.worker.on("error", (e: Error & { code?: string }) =>
      this.stop(
        e.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? "the page is too large to read"
          : `reading the page failed (${e.message})`,
      ),
    );
    this.worker.on("exit", () => this.stop("the parsing thread stopped"));
  }

  run(job: Job) {
    clearTimeout(this.idle);
    this.job = job;
    this.body = undefined;
    this.deadline = setTimeout(
      () => this.stop(`the page is too complex to read (parsing took longer than ${job.timeoutMs / 1000} s)`),
      job.timeoutMs,
    );
    this.worker.postMessage(job.html);
  }

  private reply(r: Reply) {
    const job = this.job;
    if (!job) return;
    if (r.kind === "body") {
      this.body = { title: r.title ?? "", text: r.text ?? "" };
      return;
    }
    clearTimeout(this.deadline);
    this.job = undefined;
    if (r.kind === "article") job.resolve({ title: r.title ?? "", text: r.text ?? "" });
    else if (r.kind === "done" && this.body) job.resolve(this.body);
    else job.reject(unreadable(`the page could not be parsed (${r.message ?? "no text"})`));
    this.body = undefined;
    this.idle = setTimeout(() => this.stop(), HTML_IDLE_MS).unref();
    this.free(this);
  }

  /** Ends the thread; a page it was on gets the body's text when there is one, else `failure`. */
  private stop(failure = "the parsing thread stopped") {
    clearTimeout(this.deadline);
    clearTimeout(this.idle);
    const job = this.job;
    this.job = undefined;
    if (job) {
      if (this.body) job.resolve(this.body);
      else job.reject(unreadable(failure));
    }
    if (this.ended) return;
    this.ended = true;
    void this.worker.terminate();
    this.gone(this);
  }
}

const threads = new Set<ParseThread>();
const idle: ParseThread[] = [];
const waiting: Job[] = [];

function dispatch() {
  while (waiting.length > 0) {
    let thread = idle.pop();
    if (!thread && threads.size < HTML_THREADS) {
      thread = new ParseThread(
        (t) => {
          idle.push(t);
          dispatch();
        },
        (t) => {
          threads.delete(t);
          const i = idle.indexOf(t);
          if (i >= 0) idle.splice(i, 1);
          dispatch();
        },
      );
      threads.add(thread);
    }
    if (!thread) return;
    thread.run(waiting.shift()!);
  }
}

/** The page's title and text (Readability's article, else the body's text), within `timeoutMs` of parsing. */
export function htmlText(html: string, timeoutMs = HTML_TIMEOUT_MS): Promise<PageText> {
  return new Promise((resolve, reject) => {
    waiting.push({ html, timeoutMs, resolve, reject });
    dispatch();
  });
}
