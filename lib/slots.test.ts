import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { Slots } from "./slots";

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

  it("lets a task run with `first` ahead of the waiting ones without it, in order among themselves", async () => {
    const slots = new Slots(1);
    const started: string[] = [];
    const task = (name: string) => async () => {
      started.push(name);
      await later(10, name);
    };
    await Promise.all([
      slots.run(task("busy")),
      slots.run(task("open a")),
      slots.run(task("open b")),
      slots.run(task("start x"), { first: true }),
      slots.run(task("start y"), { first: true }),
    ]);
    expect(started).toEqual(["busy", "start x", "start y", "open a", "open b"]);
  });

  it("frees the slot of a task that throws", async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await slots.run(() => Promise.resolve("next"))).toBe("next");
  });
});
