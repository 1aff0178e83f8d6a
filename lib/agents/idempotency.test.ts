/**
 * Idempotency keys on a real PostgreSQL, the way the launch action uses them: a user's key claims once and
 * answers its claim again even when that claim reached the user's limit; keys are per caller; a malformed
 * key is refused. (The API route's cases, 20 at once among them, are in app/api/pool/claim/route.test.ts.)
 */
import { beforeEach, describe, expect, it } from "vitest";
import { seedIdleIdentities, withTestDatabase } from "@/test/db";
import { updatePoolSettings } from "@/lib/pool/settings";
import { claimAgent } from "./claim";
import { apiKeyScope, fingerprint, idempotencyKeyOf, parseIdempotencyKey, userScope } from "./idempotency";

const database = withTestDatabase();

beforeEach(async () => {
  const { db } = database();
  await db.idempotencyKey.deleteMany();
  await db.event.deleteMany();
  await db.identity.deleteMany();
  await db.agent.deleteMany();
  await db.user.deleteMany();
  await db.template.deleteMany();
  await db.poolSetting.deleteMany();
});

const warm = (n: number) => seedIdleIdentities(database().db, n);

async function setUp() {
  const { db } = database();
  await warm(3);
  await db.template.create({
    data: {
      slug: "helper",
      name: "Helper",
      emoji: "🤝",
      category: "Test",
      description: "A test template.",
      instructions: "Help.",
      published: true,
    },
  });
  const [ada, bob] = await Promise.all([
    db.user.create({ data: { email: "ada@example.test" } }),
    db.user.create({ data: { email: "bob@example.test" } }),
  ]);
  return { ada, bob };
}

describe("a user's launch with a click's key", () => {
  it("claims once and answers the same agent and invite again, even at the limit the first claim reached", async () => {
    const { ada } = await setUp();
    await updatePoolSettings({ liveAgentsPerUser: 1 });
    const click = { scope: userScope(ada.id), key: "click-1" };
    const first = await claimAgent({ ownerId: ada.id, templateSlug: "helper", idempotency: click });
    expect(first.replayed).toBeUndefined();
    const again = await claimAgent({ ownerId: ada.id, templateSlug: "helper", idempotency: click });
    expect(again).toMatchObject({
      agentId: first.agentId,
      inviteUrl: first.inviteUrl,
      identityId: first.identityId,
      replayed: true,
    });
    expect(await database().db.agent.count()).toBe(1);
    // A new click is a new claim, and that one meets the limit.
    await expect(
      claimAgent({
        ownerId: ada.id,
        templateSlug: "helper",
        idempotency: { ...click, key: "click-2" },
      }),
    ).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("keeps keys apart per caller: the same key of another user, or of the API, is another claim", async () => {
    const { ada, bob } = await setUp();
    const claims = await Promise.all([
      claimAgent({ ownerId: ada.id, idempotency: { scope: userScope(ada.id), key: "same" } }),
      claimAgent({ ownerId: bob.id, idempotency: { scope: userScope(bob.id), key: "same" } }),
      claimAgent({ ownerId: null, idempotency: { scope: apiKeyScope("some-api-key"), key: "same" } }),
    ]);
    expect(new Set(claims.map((c) => c.agentId)).size).toBe(3);
    expect(await database().db.agent.count()).toBe(3);
  });

  it("refuses the same key for another request with 422, and a malformed key with 400, claiming nothing", async () => {
    const { ada } = await setUp();
    const click = { scope: userScope(ada.id), key: "click" };
    await claimAgent({ ownerId: ada.id, templateSlug: "helper", idempotency: click });
    await expect(claimAgent({ ownerId: ada.id, idempotency: click })).rejects.toMatchObject({
      code: "idempotency_key_reused",
      status: 422,
    });
    expect(() => idempotencyKeyOf("a b", userScope(ada.id))).toThrow(
      expect.objectContaining({ code: "invalid_idempotency_key", status: 400 }),
    );
    expect(await database().db.agent.count()).toBe(1);
  });
});

describe("parseIdempotencyKey", () => {
  it("takes 1-255 visible ASCII characters, bare or as a quoted string", () => {
    expect(parseIdempotencyKey("8e03978e-40d5-43e8-bc93-6894a57f9324")).toBe(
      "8e03978e-40d5-43e8-bc93-6894a57f9324",
    );
    expect(parseIdempotencyKey('"8e03978e"')).toBe("8e03978e");
    expect(parseIdempotencyKey("x".repeat(255))).toHaveLength(255);
    for (const bad of ["", '""', "x".repeat(256), "a b", "tab\there", "é", 'a"b', "a\\b", "line\nbreak"])
      expect(() => parseIdempotencyKey(bad), JSON.stringify(bad)).toThrow(/Idempotency-Key/);
  });

  it("answers none for an absent key", () => {
    expect(idempotencyKeyOf(null, "api:x")).toBeUndefined();
    expect(idempotencyKeyOf(undefined, "api:x")).toBeUndefined();
  });
});

describe("fingerprint", () => {
  it("does not depend on field order or absent fields, and tells requests apart", () => {
    expect(fingerprint({ a: "1", b: { c: 2, d: 3 } })).toBe(
      fingerprint({ b: { d: 3, c: 2 }, a: "1", e: undefined }),
    );
    expect(fingerprint({ a: "1" })).not.toBe(fingerprint({ a: "2" }));
    expect(fingerprint({ a: "1" })).not.toBe(fingerprint({ a: "1", b: null }));
  });
});
