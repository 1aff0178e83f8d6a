/**
 * The stream controller with a fake message source standing in for the
 * client's stream (the real one is exercised by abuse.test.ts, flood and
 * restart, on the local node): a flood pauses reading, resyncs, resumes and
 * asks for a catch-up from when reading stopped; a failure reopens with
 * backoff and asks for the same; close ends reading for good.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { StreamHooks } from "@/lib/xmtp";
import { waitFor } from "@/test/wait-for";
import { StreamController, type StreamControllerOptions } from "./stream-controller";

/** Records each open; the test pushes values into, or fails, the stream opened last. */
function fakeSource() {
  const opens: { hooks: StreamHooks<string>; ended: boolean }[] = [];
  return {
    opens,
    get current() {
      return opens[opens.length - 1];
    },
    async open(hooks: StreamHooks<string>) {
      const entry = { hooks, ended: false };
      opens.push(entry);
      return { end: () => void (entry.ended = true) };
    },
  };
}

/** A controller over a fake source where values starting with "flood" are over their sender's rate. */
async function controlled(o: Partial<StreamControllerOptions<string>> = {}) {
  const source = fakeSource();
  const seen: string[] = [];
  const paused: string[] = [];
  const catchUps: Date[] = [];
  let resyncs = 0;
  const controller = await StreamController.open<string>({
    source,
    onValue: (v) => {
      seen.push(v);
      return v.startsWith("flood");
    },
    onPaused: (v) => paused.push(v),
    catchUp: (since) => catchUps.push(since),
    resync: async () => void resyncs++,
    onError: () => undefined,
    pauseMs: 50,
    backoff: { baseMs: 10, capMs: 20 },
    ...o,
  });
  return { source, seen, paused, catchUps, resyncs: () => resyncs, controller };
}

describe("StreamController", () => {
  it("pauses on a flood, resyncs, reopens, and catches up from when it stopped reading", async () => {
    const t = await controlled();
    t.source.current.hooks.onValue("hello");
    expect(t.paused).toEqual([]);
    const before = Date.now();
    t.source.current.hooks.onValue("flood 1");
    expect(t.paused).toEqual(["flood 1"]);
    expect(t.source.opens[0].ended).toBe(true); // reading stopped at once
    t.source.opens[0].hooks.onValue("flood 2"); // a late value of the ended stream: ignored
    expect(t.paused).toEqual(["flood 1"]);
    await waitFor("the catch-up after the pause", () => t.catchUps.length === 1, 2_000, 5);
    expect(t.resyncs()).toBe(1);
    expect(t.source.opens).toHaveLength(2);
    expect(t.catchUps[0].getTime()).toBeGreaterThanOrEqual(before);
    expect(t.catchUps[0].getTime()).toBeLessThanOrEqual(Date.now() - 45); // the gap is the pause
    // Reading again: a new flood pauses again.
    t.source.current.hooks.onValue("flood 3");
    expect(t.paused).toEqual(["flood 1", "flood 3"]);
    await waitFor("the second catch-up", () => t.catchUps.length === 2, 2_000, 5);
    await t.controller.close();
  });

  it("doesn't pause again while already paused", async () => {
    const t = await controlled({ pauseMs: 200 });
    t.source.current.hooks.onValue("flood 1");
    // A value delivered by the same stream before its end took effect.
    t.source.opens[0].hooks.onValue("flood 2");
    expect(t.paused).toEqual(["flood 1"]);
    await t.controller.close();
  });

  it("reopens a failed stream with backoff and catches up from the failure", async () => {
    const t = await controlled();
    const failedAt = Date.now();
    t.source.current.hooks.onFail();
    await waitFor("the catch-up after the failure", () => t.catchUps.length === 1, 2_000, 5);
    expect(t.source.opens).toHaveLength(2);
    expect(t.resyncs()).toBe(0); // no resync after a failure: only a pause asks for one
    expect(t.catchUps[0].getTime()).toBeGreaterThanOrEqual(failedAt);
    t.source.current.hooks.onValue("after");
    expect(t.seen).toEqual(["after"]);
    await t.controller.close();
  });

  it("after close, reads nothing and reopens nothing", async () => {
    const t = await controlled();
    t.source.current.hooks.onValue("flood 1");
    await t.controller.close();
    await t.controller.close(); // twice is fine
    t.source.current.hooks.onValue("late");
    expect(t.seen).toEqual(["flood 1"]);
    // Nothing to await for an absence: wait out twice the pause, after which its reopen would have run.
    await sleep(100);
    expect(t.source.opens).toHaveLength(1);
    expect(t.source.opens[0].ended).toBe(true);
    expect(t.catchUps).toEqual([]);
  });
});
