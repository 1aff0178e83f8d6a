/** The HTTP API: pool claims with and without the key, public counts, health, metrics access. */
import { expect, test } from "./fixtures";
import { waitForIdle } from "./pool";

const KEY = "e2e-pool-api-key-not-for-production";

test("POST /api/pool/claim needs the key, validates the body, and claims with it", async ({ request }) => {
  test.setTimeout(150_000);
  const missing = await request.post("/api/pool/claim", { data: { templateSlug: "trip-planner" } });
  expect(missing.status()).toBe(401);
  expect(await missing.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  const wrong = await request.post("/api/pool/claim", { headers: { "x-api-key": "nope" }, data: {} });
  expect(wrong.status()).toBe(401);

  const bad = await request.post("/api/pool/claim", {
    headers: { "x-api-key": KEY },
    data: { agentName: "x".repeat(500) },
  });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe("invalid_input");
  const unknown = await request.post("/api/pool/claim", {
    headers: { "x-api-key": KEY },
    data: { templateSlug: "no-such-template" },
  });
  expect(unknown.status()).toBe(404);
  const badInvite = await request.post("/api/pool/claim", {
    headers: { "x-api-key": KEY },
    data: { joinUrl: "https://example.com/x" },
  });
  expect(badInvite.status()).toBe(400);
  expect((await badInvite.json()).error.code).toBe("invalid_invite_url");

  await waitForIdle(request);
  const claimed = await request.post("/api/pool/claim", {
    headers: { "x-api-key": KEY },
    data: { templateSlug: "trip-planner", agentName: "API agent" },
  });
  expect(claimed.status()).toBe(201);
  const body = await claimed.json();
  expect(body).toEqual({
    agentId: expect.any(String),
    status: "ready",
    inviteUrl: expect.stringMatching(/^https:\/\/dev\.convos\.org\/v2\?i=/),
    conversationId: expect.any(String),
    joined: false,
  });
});

test("GET /api/pool/counts shows counts only; health reports the workers; metrics need a token or an admin", async ({
  request,
}) => {
  const counts = await request.get("/api/pool/counts");
  expect(counts.status()).toBe(200);
  const json = await counts.json();
  expect(Object.keys(json).sort()).toEqual(["claimed", "failed", "idle", "provisioning"]);

  await expect
    .poll(async () => (await (await request.get("/api/health")).json()).workers, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(1);
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, database: "up" });

  expect((await request.get("/api/metrics")).status()).toBe(401);
  expect((await request.get("/api/metrics", { headers: { authorization: "Bearer wrong" } })).status()).toBe(
    401,
  );
});
