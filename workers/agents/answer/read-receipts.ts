/**
 * Read receipts, bounded: an XMTP read receipt says "read up to when it was sent", so one receipt covers
 * every message before it and a burst needs no more than one. Asked for on every message the agent takes,
 * a conversation sends at most one at a time, at most one more waiting behind it (however many asked
 * meanwhile), and none closer than `gapMs` to the previous one.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** The least time between two receipts of one conversation. */
export const READ_RECEIPT_GAP_MS = 1_000;

/** Coalesces receipt requests; see the module comment. */
export class ReadReceipts {
  #inFlight: Promise<void> | undefined;
  #waiting: Promise<void> | undefined;
  #lastAt = -Infinity;

  constructor(
    private readonly send: () => Promise<unknown>,
    private readonly gapMs = READ_RECEIPT_GAP_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves once a receipt sent after this call went out (the one waiting, shared by everyone who asked). */
  mark(): Promise<void> {
    if (this.#waiting) return this.#waiting;
    const before = (this.#inFlight ?? Promise.resolve()).catch(() => undefined);
    const next: Promise<void> = before.then(async () => {
      const wait = this.#lastAt + this.gapMs - this.now();
      if (wait > 0) await sleep(wait, undefined, { ref: false });
      this.#waiting = undefined; // asked from now on: a later receipt
      this.#inFlight = next;
      try {
        await this.send();
      } finally {
        this.#lastAt = this.now();
        if (this.#inFlight === next) this.#inFlight = undefined;
      }
    });
    this.#waiting = next;
    return next;
  }
}
