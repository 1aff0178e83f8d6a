/** The ledger's bound on poison messages, on a real PostgreSQL: takes counted, then given up once. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { answerAttempts, finishMessage, giveUpAnswer, takeForAnswer, unansweredOf } from "./index";

const database = withTestDatabase();

const row = (messageId: string) =>
  database().db.handledMessage.findUniqueOrThrow({
    where: { identityId_messageId: { identityId: "id-1", messageId } },
  });

describe("a message whose answers never finish", () => {
  it(`is taken ${answerAttempts()} times, then given up by exactly one run`, async () => {
    const n = answerAttempts();
    // Each run takes the message and dies (crash, hang) before finishing it.
    for (let take = 1; take <= n; take++) {
      expect(await giveUpAnswer("id-1", "poison", `run-${take}`)).toBe(false);
      expect(await takeForAnswer("id-1", "poison", `run-${take}`)).toBe(true);
      expect(await row("poison")).toMatchObject({ kind: `answering:run-${take}`, takes: take });
    }
    expect(await unansweredOf("id-1", ["poison"])).toEqual(new Set(["poison"])); // the next run gives it up
    expect(await takeForAnswer("id-1", "poison", "run-next")).toBe(false);
    expect(await giveUpAnswer("id-1", "poison", `run-${n}`)).toBe(false); // never the run holding it
    const giving = await Promise.all(["a", "b", "c"].map((r) => giveUpAnswer("id-1", "poison", r)));
    expect(giving.filter(Boolean)).toHaveLength(1);
    expect(await row("poison")).toMatchObject({ kind: "gave_up", takes: n });
    expect(await unansweredOf("id-1", ["poison"])).toEqual(new Set());
    expect(await takeForAnswer("id-1", "poison", "run-later")).toBe(false);
  });

  it("an answer that finishes counts one take; a failed one is retried as before", async () => {
    expect(await takeForAnswer("id-1", "fine", "run-1")).toBe(true);
    await finishMessage("id-1", "fine", "answered");
    expect(await row("fine")).toMatchObject({ kind: "answered", takes: 1, attempts: 0 });
    expect(await takeForAnswer("id-1", "fine", "run-2")).toBe(false);

    expect(await takeForAnswer("id-1", "flaky", "run-1")).toBe(true);
    await finishMessage("id-1", "flaky", "failed");
    expect(await takeForAnswer("id-1", "flaky", "run-2")).toBe(true);
    expect(await row("flaky")).toMatchObject({ takes: 2, attempts: 1 });
    expect(await giveUpAnswer("id-1", "flaky", "run-3")).toBe(false); // held by a run that may be alive
  });
});
