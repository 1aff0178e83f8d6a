/** The tool-call ledger's statements on a real PostgreSQL: each transition happens once, from its states only. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { finishToolCall, recordedToolCalls, recordToolRound, startToolCall } from "./tool-calls";

withTestDatabase();
const key = { identityId: "identity-1", messageId: "message-1" };
const call = (position: number) => ({ position, callId: `call-${position}`, name: "react", arguments: "{}" });

describe("the tool-call ledger", () => {
  it("records a round once, starts and finishes each call once, and keeps the result", async () => {
    expect(await recordToolRound(key, 0, [call(0), call(1)])).toBe(2);
    expect(await recordToolRound(key, 0, [call(0), call(1), call(2)])).toBe(1); // a replay adds only the new
    expect(await recordToolRound(key, 1, [])).toBe(0);
    expect(await finishToolCall(key, 0, "too early")).toBe(false); // pending, not started
    expect(await startToolCall(key, 0)).toBe(true);
    expect(await startToolCall(key, 0)).toBe(false);
    expect(await finishToolCall(key, 0, "Reacted 👍.")).toBe(true);
    expect(await finishToolCall(key, 0, "again")).toBe(false);
    const calls = await recordedToolCalls(key);
    expect(calls.map((c) => [c.position, c.round, c.callId, c.status, c.result])).toEqual([
      [0, 0, "call-0", "done", "Reacted 👍."],
      [1, 0, "call-1", "pending", null],
      [2, 0, "call-2", "pending", null],
    ]);
  });
});
