import { describe, expect, it } from "vitest";
import { splitAnswer } from "./split";

describe("splitAnswer", () => {
  it("keeps short answers whole and splits long ones at paragraphs, then sentences, within the limit", () => {
    expect(splitAnswer("  short  ")).toEqual(["short"]);
    const para = "A sentence here. ".repeat(50).trim(); // ~850 chars
    const parts = splitAnswer(`${para}\n\n${para}\n\n${para}`);
    expect(parts).toEqual([para, para, para]);
    const long = "Word after word makes a sentence. ".repeat(100);
    const split = splitAnswer(long, 500);
    expect(split.every((p) => p.length <= 500 && p.endsWith("."))).toBe(true);
    expect(split.join(" ")).toBe(long.trim());
    expect(splitAnswer("x".repeat(1200), 500).map((p) => p.length)).toEqual([500, 500, 200]);
  });
});
