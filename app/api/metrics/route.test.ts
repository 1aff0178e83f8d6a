/**
 * GET /api/metrics against a real PostgreSQL: wrong bearer tokens are limited per client address,
 * and a client over the limit is refused before its token is read.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FAILED_SECRETS } from "@/lib/api/secret-check";
import { withTestDatabase } from "@/test/db";

withTestDatabase();
const TOKEN = "metrics-route-test-token-0123456789abcdef";
let GET: (request: Request) => Promise<Response>;

beforeAll(async () => {
  vi.stubEnv("METRICS_TOKEN", TOKEN);
  vi.resetModules(); // lib/config parses the environment once per module instance
  ({ GET } = await import("./route"));
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const scrape = (client: string, token: string) =>
  GET(
    new Request("http://localhost:3000/api/metrics", {
      headers: { authorization: `Bearer ${token}`, "x-forwarded-for": client },
    }),
  );

describe("wrong metrics tokens", () => {
  it(`answers 429 with Retry-After after ${FAILED_SECRETS.limit} wrong tokens from one client, even to the right one`, async () => {
    expect((await scrape("198.51.100.20", TOKEN)).status).toBe(200);
    for (let i = 0; i < FAILED_SECRETS.limit; i++) {
      expect((await scrape("198.51.100.20", `guess-${i}`)).status).toBe(401);
    }
    const refused = await scrape("198.51.100.20", "guess-next");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect((await scrape("198.51.100.20", TOKEN)).status).toBe(429);
    expect((await scrape("198.51.100.21", TOKEN)).status).toBe(200);
  });
});
