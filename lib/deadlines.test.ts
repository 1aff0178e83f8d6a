import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { DeadlineExceeded, withDeadline } from "./deadlines";

const later = <T>(ms: number, value: T) => sleep(ms, value);

describe("withDeadline", () => {
  it("returns what finishes in time", async () => {
    expect(await withDeadline(later(5, "done"), 1_000, "a quick step")).toBe("done");
  });

  it("gives up on what doesn't, naming it, and hands its late result to the clean-up", async () => {
    const cleaned: string[] = [];
    await expect(
      withDeadline(later(100, "late client"), 20, "opening the client", (late) => cleaned.push(late)),
    ).rejects.toThrow(new DeadlineExceeded("opening the client took longer than 20 ms", 20));
    expect(cleaned).toEqual([]);
    await later(150, null);
    expect(cleaned).toEqual(["late client"]);
  });
});
