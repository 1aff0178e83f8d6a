/** Which links fetch_url may read: found in what people wrote, compared whole but for what can't carry data. */
import { describe, expect, it } from "vitest";
import { LinkAllowance, linkKey, linksIn } from "./links";

describe("links an answer may read", () => {
  it("finds links with and without a scheme, leaving trailing punctuation out", () => {
    expect(linksIn("see https://a.example/x?y=1, and b.example/docs. (http://c.example/z)")).toEqual([
      "https://a.example/x?y=1",
      "b.example/docs",
      "http://c.example/z",
    ]);
  });

  it("compares without scheme, host case, default port, trailing slash or fragment; the query counts", () => {
    const allowed = new LinkAllowance();
    allowed.addFrom("read https://News.example/story/?id=4#comments please");
    for (const same of [
      "https://news.example/story?id=4",
      "http://news.example:80/story/?id=4",
      "https://NEWS.example:443/story?id=4#top",
    ])
      expect([same, allowed.allows(same)]).toEqual([same, true]);
    for (const other of [
      "https://news.example/story?id=4&history=hello",
      "https://news.example/story",
      "https://news.example.evil.example/story?id=4",
      "https://news.example/story/other?id=4",
      "not a url",
      "ftp://news.example/story?id=4",
    ])
      expect([other, allowed.allows(other)]).toEqual([other, false]);
    expect(linkKey("javascript:alert(1)")).toBeUndefined();
  });

  it("reads a hostile text in linear time (the message and the history are a stranger's)", () => {
    for (const hostile of [
      "a-".repeat(6_000) + ".",
      "1.".repeat(6_000),
      ("a-".repeat(999) + ". ").repeat(6),
    ]) {
      const started = performance.now();
      expect(linksIn(hostile)).toEqual([]);
      expect(performance.now() - started).toBeLessThan(50);
    }
  });
});
