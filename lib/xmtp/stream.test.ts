/**
 * startResilientStream with a stand-in for the SDK's stream call (the real
 * node's failures are exercised in workers/xmtp-node/restart.test.ts): a failed
 * stream is reopened after growing, jittered delays for as long as it takes,
 * values and restarts are reported, pause() stops reading for a while, and end() stops it for good.
 */
import { describe, expect, it } from "vitest";
import { startResilientStream, type ResilientStream, type StreamHooks } from "./stream";
import { setTimeout as sleep } from "node:timers/promises";

/** A fake SDK: records each open and lets the test fail the current stream or make the next opens throw. */
function fakeSdk() {
  const opens: { at: number; hooks: StreamHooks<string>; ended: boolean }[] = [];
  let refuse = 0;
  return {
    opens,
    refuseNext(n: number) {
      refuse = n;
    },
    async open(hooks: StreamHooks<string>) {
      if (refuse > 0) {
        refuse--;
        throw new Error("node down");
      }
      const entry = { at: performance.now(), hooks, ended: false };
      opens.push(entry);
      return { end: () => void (entry.ended = true) };
    },
  };
}

const until = async (what: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out");
    await sleep(5);
  }
};

describe("startResilientStream", () => {
  it("reopens a failed stream with exponential backoff and jitter, retrying opens that throw", async () => {
    const sdk = fakeSdk();
    const values: string[] = [];
    let restarts = 0;
    const errors: unknown[] = [];
    const stream = await startResilientStream<string>({
      open: (hooks) => sdk.open(hooks),
      onValue: (v) => values.push(v),
      onRestart: () => restarts++,
      onError: (e) => errors.push(e),
      backoff: { baseMs: 40, capMs: 400 },
    });
    expect(sdk.opens[0].hooks.retryOnFail).toBe(false); // the SDK's fixed-delay retry is off
    sdk.opens[0].hooks.onValue("a");
    sdk.refuseNext(3); // the node is down: three opens throw before one succeeds
    const failedAt = performance.now();
    sdk.opens[0].hooks.onFail();
    await until(() => sdk.opens.length === 2);
    // Delays 40, 80, 160, 320 (each jittered into [d/2, d]): at least 20 + 40 + 80 + 160 = 300 ms.
    expect(sdk.opens[1].at - failedAt).toBeGreaterThanOrEqual(295);
    expect(sdk.opens[1].at - failedAt).toBeLessThan(1_500);
    expect(sdk.opens[0].ended).toBe(true);
    expect(errors).toHaveLength(3);
    expect(restarts).toBe(1);
    sdk.opens[0].hooks.onFail(); // a late callback of the old stream changes nothing
    sdk.opens[1].hooks.onValue("b");
    sdk.opens[1].hooks.onValue(undefined);
    expect(values).toEqual(["a", "b"]);

    // A value resets the backoff: the next failure is retried after the base delay again.
    const again = performance.now();
    sdk.opens[1].hooks.onFail();
    await until(() => sdk.opens.length === 3);
    expect(sdk.opens[2].at - again).toBeLessThan(200);
    expect(restarts).toBe(2);

    await stream.end();
    expect(sdk.opens[2].ended).toBe(true);
    sdk.opens[2].hooks.onFail();
    await sleep(150);
    expect(sdk.opens).toHaveLength(3); // ended: never reopened
  });

  it("pause(ms, before) stops reading, runs before, reopens after ms and reports since when it did not read", async () => {
    const sdk = fakeSdk();
    const restarts: Date[] = [];
    const stream = await startResilientStream<string>({
      open: (hooks) => sdk.open(hooks),
      onValue: () => undefined,
      onRestart: (since) => restarts.push(since),
      onError: () => undefined,
      backoff: { baseMs: 5_000, capMs: 5_000 },
    });
    const pausedAt = Date.now();
    let syncing: () => void = () => undefined;
    let synced = false;
    const before = () => new Promise<void>((r) => (syncing = r)).then(() => void (synced = true));
    expect(stream.pause(150, before)).toBe(true);
    expect(sdk.opens[0].ended).toBe(true);
    expect(stream.pause(150)).toBe(false); // already paused: the first pause stands
    sdk.opens[0].hooks.onFail(); // a late failure of the paused stream changes nothing
    await sleep(300);
    expect(sdk.opens).toHaveLength(1); // `before` has not finished: not reopened yet
    expect(stream.pause(10)).toBe(false); // nor paused again meanwhile
    syncing();
    await until(() => sdk.opens.length === 2);
    expect(synced).toBe(true);
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(295); // the pause and `before`, not the 5 s backoff
    await until(() => restarts.length === 1);
    expect(restarts[0].getTime()).toBeGreaterThanOrEqual(pausedAt);
    expect(restarts[0].getTime()).toBeLessThanOrEqual(pausedAt + 50);

    expect(stream.pause(100)).toBe(true);
    await stream.end(); // ended while paused: never reopened
    expect(stream.pause(100)).toBe(false);
    await sleep(250);
    expect(sdk.opens).toHaveLength(2);
    expect(restarts).toHaveLength(1);
  });

  it("a stream paused before its open returned is ended, and the next one opened after the pause", async () => {
    const opens: { ended: boolean }[] = [];
    let stream: ResilientStream | undefined = undefined;
    stream = await startResilientStream<string>({
      async open(hooks) {
        const entry = { ended: false };
        opens.push(entry);
        if (opens.length === 2) hooks.onValue("flood"); // a value before the open is handed back
        return { end: () => void (entry.ended = true) };
      },
      onValue: () => void stream?.pause(50),
      onRestart: () => undefined,
      onError: () => undefined,
    });
    expect(stream.pause(50)).toBe(true);
    await until(() => opens.length === 3);
    expect(opens.map((o) => o.ended)).toEqual([true, true, false]);
    await stream.end();
    expect(opens[2].ended).toBe(true);
  });

  it("a restart after opens that failed reports the gap from the first stop", async () => {
    const sdk = fakeSdk();
    const restarts: Date[] = [];
    await startResilientStream<string>({
      open: (hooks) => sdk.open(hooks),
      onValue: () => undefined,
      onRestart: (since) => restarts.push(since),
      onError: () => undefined,
      backoff: { baseMs: 40, capMs: 40 },
    });
    sdk.refuseNext(3);
    const failedAt = Date.now();
    sdk.opens[0].hooks.onFail();
    await until(() => restarts.length === 1);
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(50); // three refused opens came first
    expect(restarts[0].getTime()).toBeLessThanOrEqual(failedAt + 10);
  });

  it("throws when the first open fails (the caller's handoff retries it)", async () => {
    const sdk = fakeSdk();
    sdk.refuseNext(1);
    await expect(
      startResilientStream<string>({
        open: (hooks) => sdk.open(hooks),
        onValue: () => undefined,
        onRestart: () => undefined,
        onError: () => undefined,
      }),
    ).rejects.toThrow("node down");
  });
});
