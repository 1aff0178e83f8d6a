/** A run's work queue: tasks run one at a time in the order queued; a failure is logged and the next runs. */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { WorkQueue } from "./work-queue";

describe("WorkQueue", () => {
  it("runs tasks one at a time, in order, past a failing one, each tracked", async () => {
    const tracked: Promise<unknown>[] = [];
    const warnings: string[] = [];
    const log = pino(
      { level: "warn" },
      { write: (line: string) => void warnings.push(JSON.parse(line).msg) },
    );
    const queue = new WorkQueue({ track: (p) => (tracked.push(p), p), log });
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    void queue.push(async () => {
      events.push("a start");
      await gate;
      events.push("a end");
    });
    void queue.push(async () => {
      events.push("b");
      throw new Error("b failed");
    });
    const last = queue.push(async () => void events.push("c"));
    await Promise.resolve();
    expect(events).toEqual(["a start"]); // b waits for a
    release();
    await expect(last).resolves.toBeUndefined();
    await queue.drained();
    expect(events).toEqual(["a start", "a end", "b", "c"]);
    expect(warnings).toEqual(["message handling failed"]);
    expect(tracked).toHaveLength(3);
  });
});
