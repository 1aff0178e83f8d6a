import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./return-path";

describe("safeReturnPath", () => {
  it("keeps same-site paths", () => {
    expect(safeReturnPath("/a/trip-planner?x=1")).toBe("/a/trip-planner?x=1");
  });
  it.each([
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "",
    null,
    undefined,
  ])("turns %s into /", (value) => {
    expect(safeReturnPath(value)).toBe("/");
  });
});
