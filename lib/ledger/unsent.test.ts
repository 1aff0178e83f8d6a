/** The ledger's reopening of answers a dead run marked as sending but never sent, on a real PostgreSQL. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { markSending, reopenUnsent, settleSent, takeForAnswer } from "./messages";

const database = withTestDatabase();

describe("reopenUnsent", () => {
  it("reopens an old sending mark for the next run, leaves a fresh one (a live run may be sending) alone", async () => {
    for (const m of ["old", "fresh", "done"]) {
      expect(await takeForAnswer("id-1", m, "dead-run", 3)).toBe(true);
      expect(await markSending("id-1", m, "dead-run")).toBe(true);
    }
    await database().db.handledMessage.updateMany({
      where: { messageId: { in: ["old", "done"] } },
      data: { handledAt: new Date(Date.now() - 60_000) },
    });
    await database().db.handledMessage.update({
      where: { identityId_messageId: { identityId: "id-1", messageId: "done" } },
      data: { kind: "answered" },
    });
    expect(await reopenUnsent("id-1", ["old", "fresh", "done"], 5_000)).toBe(1);
    expect(await takeForAnswer("id-1", "old", "next-run", 3)).toBe(true);
    expect(await takeForAnswer("id-1", "fresh", "next-run", 3)).toBe(false);
    expect(await takeForAnswer("id-1", "done", "next-run", 3)).toBe(false);
    expect(await reopenUnsent("id-1", [], 5_000)).toBe(0);
  });
});

describe("settleSent", () => {
  it("marks answered only the messages left sending, and says which", async () => {
    for (const m of ["sent", "taken"]) expect(await takeForAnswer("id-2", m, "dead-run", 3)).toBe(true);
    expect(await markSending("id-2", "sent", "dead-run")).toBe(true);
    expect(await settleSent("id-2", ["sent", "taken", "unknown"])).toEqual(["sent"]);
    const kinds = await database().db.handledMessage.findMany({
      where: { identityId: "id-2" },
      orderBy: { messageId: "asc" },
      select: { messageId: true, kind: true },
    });
    expect(kinds).toEqual([
      { messageId: "sent", kind: "answered" },
      { messageId: "taken", kind: "answering:dead-run" },
    ]);
    expect(await settleSent("id-2", ["sent"])).toEqual([]);
  });
});
