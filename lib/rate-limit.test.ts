import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { describeWait, hitRateLimit } from "./rate-limit";

const database = withTestDatabase();
const HOUR = 60 * 60 * 1000;

describe("hitRateLimit", () => {
  it("allows `limit` attempts per value in the window, then refuses with the wait until one expires", async () => {
    const limit = { bucket: "test:basic", limit: 3, windowMs: HOUR };
    const start = new Date("2026-01-01T10:00:00Z");
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
    expect(await hitRateLimit(limit, "ada@example.com", at(0))).toEqual({ allowed: true });
    expect(await hitRateLimit(limit, "ada@example.com", at(10))).toEqual({ allowed: true });
    expect(await hitRateLimit(limit, "ada@example.com", at(20))).toEqual({ allowed: true });
    expect(await hitRateLimit(limit, "ada@example.com", at(30))).toEqual({
      allowed: false,
      retryAfterMs: 30 * 60_000,
    });
    // Another value and another bucket count apart.
    expect(await hitRateLimit(limit, "bob@example.com", at(30))).toEqual({ allowed: true });
    expect(await hitRateLimit({ ...limit, bucket: "test:other" }, "ada@example.com", at(30))).toEqual({
      allowed: true,
    });
    // The window slides: once the first attempt is an hour old, one more is allowed.
    expect(await hitRateLimit(limit, "ada@example.com", at(61))).toEqual({ allowed: true });
    expect((await hitRateLimit(limit, "ada@example.com", at(62))).allowed).toBe(false);
  });

  it("holds under concurrent attempts: exactly `limit` of 20 simultaneous ones get through", async () => {
    const limit = { bucket: "test:race", limit: 5, windowMs: HOUR };
    const results = await Promise.all(Array.from({ length: 20 }, () => hitRateLimit(limit, "10.0.0.1")));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it("stores digests, never the limited value", async () => {
    await hitRateLimit({ bucket: "test:digest", limit: 1, windowMs: HOUR }, "secret-api-key");
    const rows = await database().db.rateLimitHit.findMany({ where: { bucket: "test:digest" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.key).not.toContain("secret");
  });
});

describe("describeWait", () => {
  it.each([
    [1000, "1 minute"],
    [12 * 60_000, "12 minutes"],
    [60 * 60_000, "1 hour"],
    [90 * 60_000, "2 hours"],
  ])("%d ms → %s", (ms, text) => {
    expect(describeWait(ms)).toBe(text);
  });
});
