/**
 * One meaning of "too late" for the whole product: `DeadlineExceeded` is what every bounded wait throws,
 * whether it awaited a promise it cannot cancel (`withDeadline`: a native SDK call, a tool) or a task on a
 * thread that was terminated for it (lib/threads/deadline-pool.ts).
 */

/** Work outlived its time: an awaited promise (`withDeadline`) or a task on a thread (lib/threads). */
export class DeadlineExceeded extends Error {
  override name = "DeadlineExceeded";
  constructor(
    message: string,
    /** The allowance that ran out. */
    readonly ms: number,
  ) {
    super(message);
  }
}

/**
 * Waits for `work` at most `ms`, then throws DeadlineExceeded naming `what`. The work itself cannot be
 * cancelled (a native SDK call); should it still finish, `cleanUpLate` gets its result (a client or a runtime to
 * close), so a step given up on leaks nothing.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  cleanUpLate: (late: T) => unknown = () => undefined,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new DeadlineExceeded(`${what} took longer than ${ms} ms`, ms));
    }, ms);
  });
  void work.then(
    (late) => expired && Promise.resolve(cleanUpLate(late)).catch(() => undefined),
    () => undefined,
  );
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
