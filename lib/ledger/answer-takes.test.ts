/** The ledger's bound on poison messages, on a real PostgreSQL: takes counted, then given up once. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { finishMessage, giveUpAnswer, takeForAnswer, unansweredOf } from "./messages";

/** AGENT_ANSWER_ATTEMPTS as the worker passes it. */
const MAX_TAKES = 3;

const database = withTestDatabase();

const row = (messageId: string) =>
  database().db.handledMessage.findUniqueOrThrow({
    where: { identityId_messageId: { identityId: "id-1", messageId } },
  });

describe("a message whose answers never finish", () => {
  it(`is taken ${MAX_TAKES} times, then given up by exactly one run`, async () => {
    const n = MAX_TAKES;
    // Each run takes the message and dies (crash, hang) before finishing it.
    for (let take = 1; take <= n; take++) {
      expect(await giveUpAnswer("id-1", "poison", `run-${take}`, MAX_TAKES)).toBe(false);
      expect(await takeForAnswer("id-1", "poison", `run-${take}`, MAX_TAKES)).toBe(true);
      expect(await row("poison")).toMatchObject({ kind: `answering:run-${take}`, takes: take });
    }
    expect(await unansweredOf("id-1", ["poison"])).toEqual(new Set(["poison"])); // the next run gives it up
    expect(await takeForAnswer("id-1", "poison", "run-next", MAX_TAKES)).toBe(false);
    expect(await giveUpAnswer("id-1", "poison", `run-${n}`, MAX_TAKES)).toBe(false); // never the run holding it
    const giving = await Promise.all(
      ["a", "b", "c"].map((r) => giveUpAnswer("id-1", "poison", r, MAX_TAKES)),
    );
    expect(giving.filter(Boolean)).toHaveLength(1);
    expect(await row("poison")).toMatchObject({ kind: "gave_up", takes: n });
    expect(await unansweredOf("id-1", ["poison"])).toEqual(new Set());
    expect(await takeForAnswer("id-1", "poison", "run-later", MAX_TAKES)).toBe(false);
  });

  it("an answer that finishes counts one take; a failed one is retried as before", async () => {
    expect(await takeForAnswer("id-1", "fine", "run-1", MAX_TAKES)).toBe(true);
    await finishMessage("id-1", "fine", "answered");
    expect(await row("fine")).toMatchObject({ kind: "answered", takes: 1, attempts: 0 });
    expect(await takeForAnswer("id-1", "fine", "run-2", MAX_TAKES)).toBe(false);

    expect(await takeForAnswer("id-1", "flaky", "run-1", MAX_TAKES)).toBe(true);
    await finishMessage("id-1", "flaky", "failed");
    expect(await takeForAnswer("id-1", "flaky", "run-2", MAX_TAKES)).toBe(true);
    expect(await row("flaky")).toMatchObject({ takes: 2, attempts: 1 });
    expect(await giveUpAnswer("id-1", "flaky", "run-3", MAX_TAKES)).toBe(false); // held by a run that may be alive
  });
});
