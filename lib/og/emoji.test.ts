import { describe, expect, it } from "vitest";
import { codePoints, stripEmoji, twemojiDataUrl, twemojiFileNames } from "./emoji";

describe("Twemoji file names", () => {
  it("maps an emoji to its code points", () => {
    expect(codePoints("🧳")).toEqual(["1f9f3"]);
    expect(twemojiFileNames("🧳")).toEqual(["1f9f3.svg"]);
  });

  it("tries the sequence with FE0F first, then without", () => {
    expect(twemojiFileNames("⚖️")).toEqual(["2696-fe0f.svg", "2696.svg"]);
  });
});

describe("twemojiDataUrl", () => {
  it("finds files that keep FE0F and files that drop it", () => {
    expect(twemojiDataUrl("⚖️")).toMatch(/^data:image\/svg\+xml;base64,/);
    // The rainbow flag's file name keeps its FE0F: 1f3f3-fe0f-200d-1f308.svg.
    expect(twemojiDataUrl("🏳️‍🌈")).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(twemojiDataUrl("🧳")!.split(",")[1], "base64").toString("utf8");
    expect(svg).toContain("<svg");
  });

  it("returns null for text that is not an emoji", () => {
    expect(twemojiDataUrl("abc")).toBeNull();
    expect(twemojiDataUrl("")).toBeNull();
  });
});

describe("stripEmoji", () => {
  it("removes emoji, including sequences, and tidies the spaces", () => {
    expect(stripEmoji("Plan 🧳 a trip ⚖️ with 👩‍👩‍👧 and 🇫🇷!")).toBe("Plan a trip with and !");
    expect(stripEmoji("Café déjà vu")).toBe("Café déjà vu");
  });
});
