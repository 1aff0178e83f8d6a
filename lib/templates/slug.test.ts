import { describe, expect, it } from "vitest";
import { isValidSlug } from "./slug";

describe("isValidSlug", () => {
  it("accepts lower-case words joined by hyphens", () => {
    expect(isValidSlug("trip-planner")).toBe(true);
    expect(isValidSlug("a1")).toBe(true);
  });
  it("rejects anything else before it reaches the database", () => {
    for (const bad of ["", "Trip", "-a", "a-", "a--b", "a b", "<script>", "../etc", "a".repeat(65)]) {
      expect(isValidSlug(bad), bad).toBe(false);
    }
  });
});
