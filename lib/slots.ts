/**
 * At most `limit` tasks of a kind at a time in this process, the others waiting their turn in order: twenty
 * photos arriving together hold a few payloads and canvases in memory at a time, not twenty, and a burst of
 * handoffs opens a few clients at once. A task run with `first` goes ahead of the waiting ones without it: a
 * handoff's last step (starting the runtime of a client already open) then runs before the first steps of
 * the handoffs queued behind it, so in a burst agents go live one after another instead of all at the end.
 */
export class Slots {
  #free: number;
  readonly #waiting: { first: boolean; go: () => void }[] = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  /** Runs `task` once a slot is free; the slot is freed when it settles. */
  async run<T>(task: () => Promise<T>, o: { first?: boolean } = {}): Promise<T> {
    if (this.#free > 0) this.#free--;
    else
      await new Promise<void>((go) => {
        const first = o.first ?? false;
        const at = first ? this.#waiting.findIndex((w) => !w.first) : -1;
        this.#waiting.splice(at === -1 ? this.#waiting.length : at, 0, { first, go });
      });
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next.go();
      else this.#free++;
    }
  }
}
