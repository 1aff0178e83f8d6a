/** Small building blocks of the worker's loops: a serial repeating task, and a tracker of in-flight work. */

/**
 * Runs `task` every `ms` (plus up to `jitter`·ms at random), never overlapping
 * itself; errors go to `onError` and the loop goes on. `kick()` runs it soon; `close()` ends the loop and
 * waits for the run in progress.
 */
export function repeat(
  ms: number,
  task: () => Promise<unknown>,
  onError: (error: unknown) => void,
  o: { jitter?: number; immediate?: boolean } = {},
): { kick(): void; close(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const schedule = (delay: number) => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  };
  const run = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = task()
      .then(
        () => undefined,
        (e) => onError(e),
      )
      .finally(() => {
        running = undefined;
        const delay = again ? 0 : ms + Math.random() * (o.jitter ?? 0) * ms;
        again = false;
        schedule(delay);
      });
  };
  schedule(o.immediate === false ? ms : 0);
  return {
    kick: () => (running ? (again = true) : schedule(0)),
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Tracks promises still running, so shutdown can wait for them. */
export class InFlight {
  readonly #set = new Set<Promise<unknown>>();

  get size(): number {
    return this.#set.size;
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.#set.add(p);
    void p.then(
      () => this.#set.delete(p),
      () => this.#set.delete(p),
    );
    return p;
  }

  /** Resolves true when everything finished, false when `ms` passed first. */
  async drain(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
    const all = (async () => {
      while (this.#set.size > 0) await Promise.allSettled([...this.#set]);
      return true as const;
    })();
    const done = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return done;
  }
}
