/**
 * The live reading of one agent's messages: opened once, reopened with
 * backoff when it fails (lib/xmtp/stream.ts), paused on purpose when a sender
 * floods, and closed for good at teardown. After every gap in reading (a
 * failure, a flood pause) it asks for a catch-up from when reading stopped.
 *
 * Why pause: the SDK's stream costs the main thread about a millisecond per
 * message of any kind (it reads each one back synchronously), so a sender over
 * their rate makes the runtime stop reading live for a while and catch up in
 * pages (async) instead: a flood at one agent doesn't slow the answers of all
 * the others. The `resync` run before reopening (a sync) takes in what came
 * meanwhile off the main thread, so the new stream starts after it and the
 * catch-up reads it in pages.
 */
import type { BackoffOptions } from "@/lib/identities/backoff";
import { startResilientStream, type ResilientStream, type StreamHooks } from "@/lib/xmtp";

/** Where the messages come from: the client's stream of all groups' messages, or a test's fake. */
export interface MessageSource<V> {
  /** Opens a stream calling `hooks` (spread into the SDK call's options); `end()` stops it. */
  open(hooks: StreamHooks<V>): Promise<{ end(): unknown }>;
}

export interface StreamControllerOptions<V> {
  source: MessageSource<V>;
  /** Handles a value read live; true when its sender is over their rate, so reading pauses. */
  onValue(value: V): boolean;
  /** Reading paused for `pauseMs` because of `value`'s sender (not called while already paused). */
  onPaused(value: V): void;
  /** Reading is back after a gap that began at `since` (a failure or a pause): answer what came meanwhile. */
  catchUp(since: Date): void;
  /** Runs before reading resumes after a pause (a sync). */
  resync(): Promise<unknown>;
  onError(error: unknown): void;
  /** How long a flood pauses reading. */
  pauseMs: number;
  /** Reopening after a failure; default lib/xmtp/stream.ts's STREAM_BACKOFF. */
  backoff?: BackoffOptions;
  /** Passed to the SDK (see lib/xmtp/client.ts streamOptions on disableSync). */
  disableSync?: boolean;
}

export class StreamController<V> {
  readonly #o: StreamControllerOptions<V>;
  #stream: ResilientStream | undefined;

  private constructor(o: StreamControllerOptions<V>) {
    this.#o = o;
  }

  /** Opens the stream; rejects when the first open fails. */
  static async open<V>(o: StreamControllerOptions<V>): Promise<StreamController<V>> {
    const controller = new StreamController(o);
    // Assigned when the call returns: a value may arrive before, and then can't pause what isn't there yet.
    controller.#stream = await startResilientStream<V>({
      open: (hooks) => o.source.open(hooks),
      disableSync: o.disableSync,
      backoff: o.backoff,
      onValue: (value) => controller.#read(value),
      onRestart: (since) => o.catchUp(since),
      onError: (error) => o.onError(error),
    });
    return controller;
  }

  #read(value: V): void {
    if (!this.#o.onValue(value)) return;
    if (this.#stream?.pause(this.#o.pauseMs, () => this.#o.resync())) this.#o.onPaused(value);
  }

  /** Ends reading for good; safe to call twice. */
  async close(): Promise<void> {
    await this.#stream?.end();
  }
}
