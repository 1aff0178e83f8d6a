/** Rule expansion on the rule thread: the cost of a schedule's next runs does not grow with their count. */
import { afterAll, describe, expect, it } from "vitest";
import { RULE_DEADLINE_MS, stopRuleThread } from "./rule-thread";
import { nextRuns, normalizeRule } from "./rules";

afterAll(() => stopRuleThread());

describe("next runs", () => {
  it("a 15-minute schedule a year old still gets its next runs within the firing loop's deadline", async () => {
    const start = new Date("2026-12-07T14:00:00Z");
    const stored = await normalizeRule("FREQ=MINUTELY;INTERVAL=15", start, "America/New_York");
    const after = new Date(start.getTime() + 365 * 86_400_000 + 60_000);
    // rrule walks from DTSTART for every query: ten after() calls a year out took 15 s on this machine.
    const runs = await nextRuns(stored, "America/New_York", after, 10, 4 * RULE_DEADLINE_MS); // firing.ts's
    expect(runs.map((r) => r.toISOString())).toEqual(
      Array.from({ length: 10 }, (_, i) =>
        new Date(after.getTime() - 60_000 + (i + 1) * 15 * 60_000).toISOString(),
      ),
    );
  });
});
