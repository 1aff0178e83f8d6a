/** The per-sender token bucket on its own, with a clock the test moves. */
import { describe, expect, it } from "vitest";
import { SenderRateLimiter } from "./inbox";

function limiter(burst: number, refillMs: number) {
  let now = 0;
  const l = new SenderRateLimiter(burst, refillMs, () => now);
  return { l, at: (ms: number) => (now = ms) };
}

const allowedOf = (results: { allowed: boolean }[]) => results.filter((r) => r.allowed).length;

describe("SenderRateLimiter", () => {
  it("lets a burst through, then one message per refill period", () => {
    const { l, at } = limiter(3, 1_000);
    expect(allowedOf([0, 1, 2, 3, 4].map(() => l.take("a")))).toBe(3);
    at(1_000);
    expect(allowedOf([l.take("a"), l.take("a")])).toBe(1);
    expect(l.take("b").allowed).toBe(true); // senders have their own buckets
  });

  it("counts a flood at the time it was sent, however late it is read", () => {
    const { l, at } = limiter(3, 1_000);
    // Ten messages sent within 0.9 s: the first five read live, the rest after reading was paused for 5 s.
    const live = [0, 100, 200, 300, 400].map((sent) => (at(sent), l.take("a", sent)));
    at(5_400);
    const late = [500, 600, 700, 800, 900].map((sent) => l.take("a", sent));
    expect(allowedOf([...live, ...late])).toBe(3);
    expect(late.some((r) => r.rested)).toBe(false); // no second notice: the sender never rested
  });

  it("gains nothing from a clock set ahead, and a clock set back only slows its sender", () => {
    const { l, at } = limiter(2, 1_000);
    at(5_000);
    const ahead = Array.from({ length: 5 }, (_, i) => l.take("a", 1e12 + i * 60_000));
    expect(allowedOf(ahead)).toBe(2);
    at(6_000);
    expect(l.take("a", 0).allowed).toBe(false); // set back before its last message: no refill at all
    expect(l.take("a").allowed).toBe(true); // the real clock refills as usual
  });
});
