/**
 * POST /api/pool/claim against a real PostgreSQL: wrong `x-api-key` values are limited per client
 * address (an IPv6 client by its /64), and a client over the limit is refused before its key is read.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FAILED_SECRETS } from "@/lib/api/secret-check";
import { withTestDatabase } from "@/test/db";

const database = withTestDatabase();
const KEY = "claim-route-test-key-0123456789abcdef";
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  vi.stubEnv("POOL_API_KEY", KEY);
  vi.resetModules(); // lib/config parses the environment once per module instance
  ({ POST } = await import("./route"));
  await database().db.poolSetting.create({ data: { id: 1, targetIdle: 0, apiClaimsPerHour: 100 } });
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const claim = (client: string, key: string) =>
  POST(
    new Request("http://localhost:3000/api/pool/claim", {
      method: "POST",
      headers: { "x-api-key": key, "x-forwarded-for": client, "content-type": "application/json" },
      body: "{}",
    }),
  );

describe("wrong API keys", () => {
  it(`answers 429 with Retry-After after ${FAILED_SECRETS.limit} wrong keys from one client, even to the right key`, async () => {
    for (let i = 0; i < FAILED_SECRETS.limit; i++) {
      expect((await claim("203.0.113.5", `guess-${i}`)).status).toBe(401);
    }
    const refused = await claim("203.0.113.5", "guess-next");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
    // Refused before the key is looked at: a right guess now is not told apart.
    expect((await claim("203.0.113.5", KEY)).status).toBe(429);
    // Another client, with the right key, is not held up by it (an empty pool: 503).
    expect((await claim("203.0.113.6", KEY)).status).toBe(503);
    // Right keys are not counted against a client.
    for (let i = 0; i < FAILED_SECRETS.limit + 2; i++)
      expect((await claim("203.0.113.7", KEY)).status).toBe(503);
    expect((await claim("203.0.113.7", "guess")).status).toBe(401);
  });

  it("counts an IPv6 client by its /64", async () => {
    for (let i = 1; i <= FAILED_SECRETS.limit; i++) {
      expect((await claim(`2001:db8:7:7::${i.toString(16)}`, "guess")).status).toBe(401);
    }
    expect((await claim("2001:db8:7:7:ffff::1", "guess")).status).toBe(429);
    expect((await claim("2001:db8:7:8::1", "guess")).status).toBe(401);
  });
});
