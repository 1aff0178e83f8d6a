/**
 * A stream that comes back after failures without hammering the node. The
 * SDK's own retry waits a fixed delay and gives up after 10 attempts (then the
 * agent is deaf until the worker restarts); here the SDK's retry is off and a
 * failed stream is reopened after a capped exponential backoff with jitter
 * (300 ms, 600 ms, … up to 30 s), for as long as it takes. The backoff starts
 * over once a stream delivers a value or has stayed up for a minute.
 *
 * `pause(ms)` stops reading on purpose for a while: a flooded conversation is
 * then read in pages by the catch-up (`onRestart`) instead of value by value.
 */
import { backoffMs, type BackoffOptions } from "@/lib/identities/backoff.ts";

/** What `open` must pass to the SDK's stream call (spread into its options). */
export interface StreamHooks<V> {
  onValue: (value: V | undefined) => void;
  onFail: () => void;
  onError: (error: unknown) => void;
  retryOnFail: false;
  disableSync?: boolean;
}

export interface ResilientStreamOptions<V> {
  /** Opens the SDK stream with `hooks` spread into its options. */
  open(hooks: StreamHooks<V>): Promise<{ end(): unknown }>;
  onValue(value: V): void;
  /** After a reopen: catch up on what was missed since `since` (when the previous stream stopped reading). */
  onRestart(since: Date): void;
  onError(error: unknown): void;
  backoff?: BackoffOptions;
  /** Passed to the SDK (see lib/xmtp/client.ts streamOptions on disableSync). */
  disableSync?: boolean;
}

/**
 * Keeps an SDK stream's own queue empty. node-sdk puts every value it hands to `onValue` in the stream's
 * queue as well, and only iterating the stream (`for await`, `next()`) takes it out again: a stream read
 * through `onValue` alone, as every long-lived stream here is, would hold every message it ever delivered
 * for as long as it is open. This reads the queue and drops what it finds (`onValue` has it already), until
 * the stream ends. Objects that cannot be iterated (a test's stand-in) are left as they are. Returns `stream`.
 */
export function discardQueue<S extends object>(stream: S): S {
  if (!(Symbol.asyncIterator in stream)) return stream;
  const queue = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const next = (): void =>
    void queue.next().then(
      (result) => {
        if (!result.done) next();
      },
      () => undefined,
    );
  next();
  return stream;
}

export const STREAM_BACKOFF: BackoffOptions = { baseMs: 300, capMs: 30_000 };
const HEALTHY_AFTER_MS = 60_000;

export interface ResilientStream {
  /**
   * Stops reading for `ms`, runs `before` (e.g. a sync, so the new stream starts after what came
   * meanwhile instead of replaying it value by value), then reopens and calls `onRestart`. False, and
   * nothing changes, while it is already paused or restarting, or ended.
   */
  pause(ms: number, before?: () => Promise<unknown>): boolean;
  /** Stops the stream for good. */
  end(): Promise<void>;
}

/** Opens the stream (throws when the first open fails). */
export async function startResilientStream<V>(o: ResilientStreamOptions<V>): Promise<ResilientStream> {
  let current: { end(): unknown } | undefined;
  let ended = false;
  let attempt = 0;
  let openedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;

  const open = async () => {
    const mine = ++generation;
    const failed = () => {
      if (mine === generation) restartLater();
    };
    const opened = discardQueue(
      await o.open({
        onValue: (value) => {
          attempt = 0;
          if (value !== undefined && !ended) o.onValue(value);
        },
        onFail: failed,
        onError: (error) => o.onError(error),
        retryOnFail: false,
        disableSync: o.disableSync,
      }),
    );
    // Stopped (failed, paused) before it was even handed back: end it, the next open is scheduled.
    if (mine !== generation) return void Promise.resolve(opened.end()).catch(() => undefined);
    current = opened;
    openedAt = Date.now();
  };

  let reopening = false;
  let stoppedAt: Date | undefined; // since when nothing was read: the start of the gap the restart reports

  /**
   * Ends the current stream and opens a new one after `delayMs` (by default the next backoff step), running
   * `before` first; false when a restart is already under way or the stream ended.
   */
  const restartLater = (delayMs?: number, before?: () => Promise<unknown>): boolean => {
    if (ended || reopening) return false;
    reopening = true;
    stoppedAt ??= new Date();
    generation++; // late callbacks of the stopped stream are ignored
    void Promise.resolve(current?.end()).catch(() => undefined);
    if (Date.now() - openedAt > HEALTHY_AFTER_MS) attempt = 0;
    timer = setTimeout(
      async () => {
        timer = undefined;
        await before?.().catch((error) => o.onError(error));
        // From here a failure of the new stream, even before `open` returns, schedules the next restart.
        reopening = false;
        if (ended) return;
        open().then(
          () => {
            if (ended) return void current?.end();
            if (reopening) return; // failed again already: that restart reports the gap
            const since = stoppedAt!;
            stoppedAt = undefined;
            o.onRestart(since);
          },
          (error) => {
            o.onError(error);
            restartLater();
          },
        );
      },
      delayMs ?? backoffMs(++attempt, o.backoff ?? STREAM_BACKOFF),
    );
    return true;
  };

  await open();
  return {
    pause: (ms, before) => restartLater(ms, before),
    async end() {
      ended = true;
      clearTimeout(timer);
      await current?.end();
    },
  };
}
