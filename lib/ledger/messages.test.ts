/** The message ledger on a real PostgreSQL: first records, failed answers' retries, dropped messages. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import {
  finishMessage,
  MAX_ANSWER_RETRIES,
  PgLedger,
  recordDropped,
  recordFirst,
  takeForAnswer,
  unansweredOf,
} from "./messages";

withTestDatabase();

describe("PgLedger", () => {
  it("records once: the first claim wins, later ones and has() see it", async () => {
    const ledger = new PgLedger("id-1");
    expect(await ledger.has("m1")).toBe(false);
    expect(await recordFirst("id-1", "m1", "answered")).toBe(true);
    expect(await recordFirst("id-1", "m1", "answered")).toBe(false);
    await ledger.record("m1", "joined"); // harmless
    expect(await ledger.has("m1")).toBe(true);
    expect(await new PgLedger("id-2").has("m1")).toBe(false);
    const results = await Promise.all(Array.from({ length: 8 }, () => recordFirst("id-1", "m2", "answered")));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe("answers that failed, and dropped messages", () => {
  it("a failed answer is claimed again by a later run, a bounded number of times; dropped ones never", async () => {
    expect(await takeForAnswer("id-9", "m1", "run-0", 3)).toBe(true);
    await finishMessage("id-9", "m1", "failed");
    for (let retry = 1; retry <= MAX_ANSWER_RETRIES; retry++) {
      expect(await unansweredOf("id-9", ["m1"])).toEqual(new Set(["m1"]));
      expect(await takeForAnswer("id-9", "m1", `run-${retry}`, 3)).toBe(true);
      await finishMessage("id-9", "m1", "failed");
    }
    expect(await unansweredOf("id-9", ["m1"])).toEqual(new Set());
    expect(await takeForAnswer("id-9", "m1", "run-last", 3)).toBe(false);

    await recordDropped("id-9", ["d1", "d2"]);
    await recordDropped("id-9", ["d2", "d3"]); // repeated ids are harmless
    expect(await unansweredOf("id-9", ["d1", "d2", "d3", "fresh"])).toEqual(new Set(["fresh"]));
    expect(await takeForAnswer("id-9", "d1", "run-x", 3)).toBe(false);
  });
});
