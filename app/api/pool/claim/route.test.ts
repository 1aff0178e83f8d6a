/**
 * POST /api/pool/claim against a real PostgreSQL: wrong `x-api-key` values are limited per client
 * address (an IPv6 client by its /64), and a client over the limit is refused before its key is read.
 * An Idempotency-Key answers its first claim again, also to 20 requests at once, and never makes a
 * second agent; a malformed key, or one reused with another body, is refused and claims nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FAILED_SECRETS } from "@/lib/api/secret-check";
import { seedIdleIdentities, withTestDatabase } from "@/test/db";

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

describe("Idempotency-Key", () => {
  const claimOnce = (key: string | null, body: object = {}, client = "198.51.100.1") =>
    POST(
      new Request("http://localhost:3000/api/pool/claim", {
        method: "POST",
        headers: {
          "x-api-key": KEY,
          "x-forwarded-for": client,
          "content-type": "application/json",
          ...(key === null ? {} : { "idempotency-key": key }),
        },
        body: JSON.stringify(body),
      }),
    );
  const answer = async (response: Response) => ({ status: response.status, body: await response.json() });
  const agents = () => database().db.agent.count();

  const warm = (n: number) => seedIdleIdentities(database().db, n);
  afterEach(async () => {
    await database().db.identity.deleteMany({ where: { status: "idle" } });
  });

  it("answers the same key with the same agent and invite, claiming once", async () => {
    await warm(2);
    const before = await agents();
    const first = await claimOnce("9b1f7c9e-2a51-4d7e-8f4e-0c1d2e3f4a5b", { agentName: "Once" });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const firstBody = await first.json();
    expect(firstBody).toMatchObject({ status: "ready", inviteUrl: expect.stringContaining("https://") });
    // A retry from another address (the caller is the API key) and with the key quoted as a structured field.
    const again = await claimOnce(
      '"9b1f7c9e-2a51-4d7e-8f4e-0c1d2e3f4a5b"',
      { agentName: "Once" },
      "198.51.100.2",
    );
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await answer(again)).toEqual({ status: 201, body: firstBody });
    expect(await agents()).toBe(before + 1);
    // Another key is another claim.
    const other = await answer(await claimOnce("another-key", { agentName: "Once" }));
    expect(other.status).toBe(201);
    expect(other.body.agentId).not.toBe(firstBody.agentId);
    expect(await agents()).toBe(before + 2);
  });

  it("gives 20 requests with the same key at once one agent, and all of them its answer", async () => {
    await warm(3);
    const before = await agents();
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => answer(await claimOnce("burst-key", { agentName: "Burst" }))),
    );
    expect(answers[0]).toMatchObject({ status: 201, body: { status: "ready" } });
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(await agents()).toBe(before + 1);
    expect(await database().db.identity.count({ where: { status: "idle" } })).toBe(2);
  });

  it("refuses a key reused with another body (422) and claims nothing", async () => {
    await warm(2);
    expect((await claimOnce("reused-key", { agentName: "First" })).status).toBe(201);
    const before = await agents();
    const reused = await answer(await claimOnce("reused-key", { agentName: "Second" }));
    expect(reused).toEqual({
      status: 422,
      body: {
        error: { code: "idempotency_key_reused", message: expect.stringMatching(/different request/) },
      },
    });
    expect(await agents()).toBe(before);
  });

  it.each([
    ["empty", ""],
    ["over 255 characters", "k".repeat(256)],
    ["a space", "two words"],
    ["non-ASCII", "clé"],
    ["a quote inside", 'a"b'],
  ])("refuses a malformed key (%s) with 400 and claims nothing", async (_what, key) => {
    await warm(1);
    const before = await agents();
    const refused = await answer(await claimOnce(key));
    expect(refused).toMatchObject({ status: 400, body: { error: { code: "invalid_idempotency_key" } } });
    expect(await agents()).toBe(before);
    expect(await database().db.idempotencyKey.count({ where: { key } })).toBe(0);
  });

  it("accepts a key of 255 characters", async () => {
    await warm(1);
    expect((await claimOnce("k".repeat(255))).status).toBe(201);
  });

  it("treats a key older than 24 h as new: a second agent, and the key now answers it", async () => {
    await warm(2);
    const first = await answer(await claimOnce("day-old-key"));
    await database().db.idempotencyKey.updateMany({
      where: { key: "day-old-key" },
      data: { createdAt: new Date(Date.now() - 25 * 60 * 60 * 1000) },
    });
    // Expired, so even another body is a new claim rather than a reuse.
    const renewed = await answer(await claimOnce("day-old-key", { agentName: "Tomorrow" }));
    expect(renewed.status).toBe(201);
    expect(renewed.body.agentId).not.toBe(first.body.agentId);
    expect(await answer(await claimOnce("day-old-key", { agentName: "Tomorrow" }))).toEqual(renewed);
  });

  it("keeps no key when the claim fails, so the same key can be retried", async () => {
    const empty = await answer(await claimOnce("retry-key"));
    expect(empty).toMatchObject({ status: 503, body: { error: { code: "pool_empty" } } });
    expect(await database().db.idempotencyKey.count({ where: { key: "retry-key" } })).toBe(0);
    await warm(1);
    expect((await claimOnce("retry-key")).status).toBe(201);
  });
});
