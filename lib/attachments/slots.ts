/**
 * At most `size` of a kind of work at once in this process, the rest waiting their turn in order: twenty
 * photos arriving together then hold a few payloads and canvases in memory at a time, not twenty.
 */
export class Slots {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** Runs `work` once a slot is free; the slot is freed when it settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      return await work();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}
