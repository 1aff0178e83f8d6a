import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./return-path";

describe("safeReturnPath", () => {
  it.each(["/", "/a/trip-planner?x=1", "/agents#top", "/a/caf%C3%A9", "/search?q=a%20b"])(
    "keeps %s",
    (value) => {
      expect(safeReturnPath(value)).toBe(value);
    },
  );

  it.each([
    ["another origin", "https://evil.com/"],
    ["mixed-case scheme", "HtTpS://evil.com"],
    ["protocol-relative", "//evil.com"],
    ["protocol-relative, three slashes", "///evil.com"],
    ["backslash", "/\\evil.com"],
    ["backslash then slash", "\\/evil.com"],
    ["tab between the slashes", "/\t/evil.com"],
    ["newline between the slashes", "/\n/evil.com"],
    ["literal backslash-t", "/\\t/evil.com"],
    ["javascript:", "javascript:alert(1)"],
    ["mixed-case javascript:", "JaVaScRiPt:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["percent-encoded slashes", "/%2F%2Fevil.com"],
    ["mixed-case percent-encoded slashes", "/%2f%2Fevil.com"],
    ["percent-encoded backslash", "/%5Cevil.com"],
    ["mixed-case percent-encoded backslash", "/%5cevil.com"],
    ["percent-encoded tab", "/%09/evil.com"],
    ["fully percent-encoded", "%2F%2Fevil.com"],
    ["double percent-encoded", "/%252F%252Fevil.com"],
    ["double percent-encoded backslash", "/%255Cevil.com"],
    ["percent-encoded javascript:", "javascript%3Aalert(1)"],
    ["malformed escape", "/%E0%A4%A"],
    ["space", " /agents"],
    ["empty", ""],
    ["null", null],
    ["undefined", undefined],
    ["too long", `/${"a".repeat(5000)}`],
  ])("turns %s (%j) into /", (_name, value) => {
    expect(safeReturnPath(value)).toBe("/");
  });
});
