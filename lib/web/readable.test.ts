/**
 * readableText on hostile pages: whitespace runs, deep JSON and HTML that
 * linkedom and Readability take seconds or minutes over. Each must come back
 * in bounded time with bounded text, and HTML must leave this thread free.
 */
import { describe, expect, it } from "vitest";
import { READABLE_MAX_CHARS, readableText } from "./readable";
import { FetchError } from "./safe-fetch";

const MAX = READABLE_MAX_CHARS + "\n[… cut]".length;

async function timed(contentType: string, text: string, htmlTimeoutMs?: number) {
  const started = performance.now();
  const result = await readableText({ contentType, text, truncated: false }, { htmlTimeoutMs });
  return { ms: performance.now() - started, ...result };
}

/**
 * The longest stretch this thread was blocked while `work` ran (a 10 ms ticker's largest gap). On two shared
 * cores a busy parsing thread can delay this one by ~100 ms; the old parse blocked it for 10-25 s.
 */
async function longestBlock<T>(work: () => Promise<T>): Promise<{ blockedMs: number; value: T }> {
  let last = performance.now();
  let blockedMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    blockedMs = Math.max(blockedMs, now - last);
    last = now;
  }, 10);
  try {
    const value = await work();
    blockedMs = Math.max(blockedMs, performance.now() - last);
    return { blockedMs, value };
  } finally {
    clearInterval(ticker);
  }
}

describe("readableText on hostile pages", () => {
  it("tidies whitespace runs in linear time: 16 times the run takes about 16 times as long, in milliseconds", async () => {
    const runs = { cr: "\r", lf: "\n", space: " ", "space-cr": " \r", "cr-lf-tab": "\r\n\t\r" };
    for (const [name, unit] of Object.entries(runs)) {
      const n = 4_000;
      const small = await timed("text/plain", `a${unit.repeat(n)}a`);
      const large = await timed("text/plain", `a${unit.repeat(16 * n)}a`);
      // Before: "\r" took 8 ms at 4,000 and 2,517 ms at 64,000 (quadratic).
      expect([name, large.ms < 250, large.ms < 40 * small.ms + 50]).toEqual([name, true, true]);
      expect(large.text).toMatch(/^a\s{1,2}a$/);
    }
    const page = await timed("text/plain", `a${"\r \n".repeat(333_000)}a`); // the 1 MB a page may have
    expect(page.ms).toBeLessThan(500);
    expect(page.text).toBe("a\n\na");
  });

  it("prints deep and wide JSON within the size cap, without formatting the whole document", async () => {
    // The case: 102 KB, an array nested 1,000 deep (595 ms before).
    const deep = await timed(
      "application/json",
      `${"[".repeat(1_000)}${"1,".repeat(50_000)}1${"]".repeat(1_000)}`,
    );
    // 1 MB nested 300 deep: every element was indented by 300 spaces first (a 150 MB string).
    const indented = await timed(
      "application/json",
      `${"[".repeat(300)}${"1,".repeat(500_000)}1${"]".repeat(300)}`,
    );
    const keys = Array.from({ length: 60_000 }, (_, i) => `"k${i}":[{},[]]`);
    const wide = await timed("application/json", `{${keys.join(",")}}`);
    for (const r of [deep, indented, wide]) {
      expect(r.ms).toBeLessThan(300);
      expect(r.text.length).toBeLessThanOrEqual(MAX);
      expect(r.text.endsWith("[… cut]")).toBe(true);
    }
    const small = await timed("application/json", '{"tide":{"height":[1.2,3.4]},"moon":"full"}');
    expect(small.text).toBe('{\n "tide": {\n  "height": [\n   1.2,\n   3.4\n  ]\n },\n "moon": "full"\n}');
  });

  it("parses hostile HTML off this thread and gives up at the deadline with a clear error", async () => {
    // The first parse starts the parsing thread, which took over 1 s beside the unit tier's other file and
    // the xmtp tier on two shared cores: started by a small page first, so the deadlines below time parses.
    await timed("text/html", "<html><head><title>Warm</title></head><body>up</body></html>", 30_000);
    // 1,000 nested <div>s (5 KB): Readability took 10 s. The body's text comes first, so that is what is read.
    const nested = await longestBlock(() =>
      timed(
        "text/html",
        `<html><head><title>Deep</title></head><body>${"<div>a ".repeat(1_000)}</body></html>`,
        2_000,
      ),
    );
    expect(nested.value.ms).toBeLessThan(3_000);
    expect(nested.value.title).toBe("Deep");
    expect(nested.value.text).toMatch(/^a a a/);
    expect(nested.blockedMs).toBeLessThan(1_000);

    // 100,000 nested <div>s (500 KB): linkedom's parse alone took 23 s, so there is no body to fall back on.
    const started = performance.now();
    const parse = await longestBlock(() =>
      readableText(
        {
          contentType: "text/html",
          text: `<html><body>${"<div>".repeat(100_000)}x</body></html>`,
          truncated: false,
        },
        { htmlTimeoutMs: 1_000 },
      ).then(
        () => "read",
        (e: unknown) => (e instanceof FetchError ? `${e.code}: ${e.message}` : String(e)),
      ),
    );
    expect(parse.value).toBe("unreadable: the page is too complex to read (parsing took longer than 1 s)");
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(parse.blockedMs).toBeLessThan(1_000);

    // The thread that was stopped is replaced: an ordinary page still reads.
    const article = await timed(
      "text/html",
      `<html><head><title>Tides</title></head><body><article>${"<p>The moon pulls the oceans, and the earth turns beneath the bulge.</p>".repeat(20)}</article></body></html>`,
    );
    expect(article.title).toBe("Tides");
    expect(article.text).toContain("The moon pulls the oceans");
  });
});
