// Whether a text addresses an agent by name: whole words, any case, with or without "@".
import { describe, expect, it } from "vitest";
import { addressedBy } from "./agent-loop";

describe("addressedBy", () => {
  it("finds the name as a whole word, in any case", () => {
    for (const text of ["Ava, what do you think?", "hey @ava", "AVA!", "thanks ava", "Ava"])
      expect(addressedBy(text, ["Ava"])).toBe(true);
  });
  it("ignores the name inside other words, and names too short to tell", () => {
    for (const text of ["Java is fine", "lava", "avatar", "a b c"])
      expect(addressedBy(text, ["Ava"])).toBe(false);
    expect(addressedBy("a", ["a", " "])).toBe(false);
  });
  it("takes any of the names, with spaces and letters beyond ASCII", () => {
    expect(addressedBy("ask Chef Émile about it", ["Bot", "Chef Émile"])).toBe(true);
    expect(addressedBy("émile's recipe", ["Émile"])).toBe(true);
    expect(addressedBy("émiles", ["Émile"])).toBe(false);
  });
});
