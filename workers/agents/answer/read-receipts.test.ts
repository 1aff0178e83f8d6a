// Read receipts are coalesced: a burst of messages read costs one receipt in flight and one after it.
import { describe, expect, it } from "vitest";
import { ReadReceipts } from "./read-receipts";

describe("ReadReceipts", () => {
  it("sends one receipt, then one more for everything asked while it was in flight", async () => {
    let open = () => {};
    const release = new Promise<void>((resolve) => (open = resolve));
    let sent = 0;
    const receipts = new ReadReceipts(async () => {
      sent++;
      if (sent === 1) await release;
    }, 0);
    const first = receipts.mark();
    expect(receipts.mark()).toBe(first); // not sent yet: the same receipt covers it
    while (sent === 0) await new Promise((r) => setImmediate(r));
    const waiting = Array.from({ length: 50 }, () => receipts.mark());
    expect(new Set(waiting).size).toBe(1); // all share the one receipt waiting behind the first
    open();
    await Promise.all([first, ...waiting]);
    expect(sent).toBe(2);
    await receipts.mark();
    expect(sent).toBe(3);
  });

  it("keeps the gap between two receipts, and a failed send does not stop the next", async () => {
    const at: number[] = [];
    let fail = true;
    const receipts = new ReadReceipts(async () => {
      at.push(performance.now());
      if (fail) {
        fail = false;
        throw new Error("network");
      }
    }, 200);
    await expect(receipts.mark()).rejects.toThrow("network");
    await receipts.mark();
    expect(at).toHaveLength(2);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(190);
  });
});
