import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { DeadlineExceeded, Slots, withDeadline } from "./timers";

const later = <T>(ms: number, value: T) => sleep(ms, value);

describe("Slots", () => {
  it("runs at most `limit` tasks at once, the others in the order they came", async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        slots.run(async () => {
          started.push(i);
          most = Math.max(most, ++running);
          await later(20, i);
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it("frees the slot of a task that throws", async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await slots.run(() => Promise.resolve("next"))).toBe("next");
  });
});

describe("withDeadline", () => {
  it("returns what finishes in time", async () => {
    expect(await withDeadline(later(5, "done"), 1_000, "a quick step")).toBe("done");
  });

  it("gives up on what doesn't, naming it, and hands its late result to the clean-up", async () => {
    const cleaned: string[] = [];
    await expect(
      withDeadline(later(100, "late client"), 20, "opening the client", (late) => cleaned.push(late)),
    ).rejects.toThrow(new DeadlineExceeded("opening the client took longer than 20 ms"));
    expect(cleaned).toEqual([]);
    await later(150, null);
    expect(cleaned).toEqual(["late client"]);
  });
});
