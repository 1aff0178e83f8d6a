/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
import { setTimeout as sleep } from "node:timers/promises";
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
