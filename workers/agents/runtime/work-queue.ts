/**
 * A run's work, one task at a time in the order queued: the answers, the
 * catch-up passes, greetings and schedule runs of one conversation never
 * overlap, so its messages are answered in order. A failed task is logged and
 * the next one runs; each task is tracked as in flight for the shutdown.
 */
import type { Logger } from "pino";

export class WorkQueue {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: { track<T>(work: Promise<T>): Promise<T>; log: Logger }) {}

  /** Queues `task` after the work already queued; resolves when it has run (never rejects). */
  push(task: () => Promise<unknown>): Promise<unknown> {
    const run = this.#tail
      .then(() => task())
      .catch((err) => this.o.log.warn({ err }, "message handling failed"));
    this.#tail = run;
    return this.o.track(run);
  }

  /** Resolves once everything queued so far has run. */
  drained(): Promise<unknown> {
    return this.#tail;
  }
}
