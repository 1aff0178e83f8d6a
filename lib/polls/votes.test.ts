import { describe, expect, it } from "vitest";
import { optionEmoji, pollText, voteOption } from "./votes";

describe("reading votes", () => {
  it("reads numbers and keycap emoji, with or without the variation selector", () => {
    expect(voteOption("2")).toBe(2);
    expect(voteOption(" #3. ")).toBe(3);
    expect(voteOption("10")).toBe(10);
    expect(voteOption(optionEmoji(1))).toBe(1);
    expect(voteOption("4\u20E3")).toBe(4);
    expect(voteOption("🔟")).toBe(10);
  });

  it("refuses anything else", () => {
    for (const text of ["0", "11", "two", "2 please", "👍", "", "1️⃣2️⃣"])
      expect(voteOption(text), text).toBeNull();
  });

  it("numbers the options with the emoji members react with", () => {
    expect(pollText("Dinner?", ["Pizza", "Sushi"])).toBe(
      "📊 Dinner?\n1️⃣ Pizza\n2️⃣ Sushi\nVote by replying to this message with a number, or react with 1️⃣–2️⃣.",
    );
  });
});
