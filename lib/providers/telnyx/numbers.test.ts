/**
 * Our pool of Telnyx numbers on a real PostgreSQL, against a loopback Telnyx: a number is ordered on first
 * use (search, order with the next candidate after a collision, messaging profile assigned), goes back to
 * the pool when its agent stops and is taken again before anything is ordered, and claims racing for the
 * pool never share a number nor wait on each other.
 */
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { stopAgent } from "@/lib/agents/mutations";
import { startFakeTelnyx, telnyxSettingsFor, type FakeTelnyx } from "@/test/fake-telnyx";
import { withTestDatabase } from "@/test/db";
import { claimPoolNumber, ensureNumber, NoNumberError, ORDER_ATTEMPTS } from "./numbers";
import type { TelnyxSettings } from "./settings";

const database = withTestDatabase();
let fake: FakeTelnyx;
let settings: TelnyxSettings;

beforeAll(async () => {
  fake = await startFakeTelnyx();
  settings = telnyxSettingsFor(fake);
});
afterAll(() => fake.close());
beforeEach(async () => {
  fake.requests.length = 0;
  await database().db.phoneNumber.deleteMany();
});

let agents = 0;
async function liveAgent(): Promise<string> {
  const agent = await database().db.agent.create({
    data: { name: `Texter ${++agents}`, instructions: "Texts.", status: "live" },
  });
  return agent.id;
}

const calls = () => fake.requests.map((r) => `${r.method} ${r.path}`);

async function poolNumbers(...numbers: string[]) {
  for (const [i, number] of numbers.entries())
    await database().db.phoneNumber.create({
      data: {
        number,
        telnyxId: `pool-${number}`,
        profileAssignedAt: new Date(),
        freedAt: new Date(i * 1000),
      },
    });
}

describe("a number on first use", () => {
  it("is ordered when the pool is empty: after a 422 on the first candidate, the next is ordered and assigned", async () => {
    fake.available = ["+14155550101", "+14155550102", "+14155550103"];
    fake.taken.add("+14155550101");
    const agentId = await liveAgent();

    const number = await ensureNumber(settings, agentId);

    expect(number.number).toBe("+14155550102");
    expect(calls()).toEqual([
      "GET /v2/available_phone_numbers",
      "POST /v2/number_orders",
      "POST /v2/number_orders",
      `PATCH /v2/phone_numbers/${number.telnyxId}/messaging`,
    ]);
    const [search, first, second, assign] = fake.requests;
    expect(Object.fromEntries(search.query)).toEqual({
      "filter[country_code]": "US",
      "filter[features][]": "sms",
      "filter[limit]": "5",
    });
    expect(first.body).toEqual({
      phone_numbers: [{ phone_number: "+14155550101" }],
      messaging_profile_id: "profile-1",
    });
    expect(second.body).toEqual({
      phone_numbers: [{ phone_number: "+14155550102" }],
      messaging_profile_id: "profile-1",
    });
    expect(assign.body).toEqual({ messaging_profile_id: "profile-1" });
    expect(fake.requests.every((r) => r.authorization === "Bearer telnyx-test-key")).toBe(true);
    const row = await database().db.phoneNumber.findUniqueOrThrow({ where: { number: "+14155550102" } });
    expect(row).toMatchObject({ agentId, telnyxId: number.telnyxId });
    expect(row.profileAssignedAt).not.toBeNull();

    // The second use finds it: nothing more is asked of Telnyx.
    expect((await ensureNumber(settings, agentId)).number).toBe("+14155550102");
    expect(fake.requests).toHaveLength(4);
  });

  it("ordered twice at once for one agent, gives it one number and keeps the other in the pool", async () => {
    fake.available = ["+14155550151", "+14155550152"];
    const agentId = await liveAgent();

    const [first, second] = await Promise.all([
      ensureNumber(settings, agentId),
      ensureNumber(settings, agentId),
    ]);

    expect(first.number).toBe(second.number);
    const rows = await database().db.phoneNumber.findMany({ orderBy: { number: "asc" } });
    expect(rows.map((r) => r.number)).toEqual(["+14155550151", "+14155550152"]);
    expect(rows.filter((r) => r.agentId === agentId).map((r) => r.number)).toEqual([first.number]);
    expect(rows.filter((r) => r.agentId === null)).toHaveLength(1); // bought, so kept: the next agent takes it
  });

  it(`gives up after ${ORDER_ATTEMPTS} collisions and keeps nothing`, async () => {
    fake.available = ["+14155550201", "+14155550202", "+14155550203", "+14155550204"];
    for (const n of fake.available) fake.taken.add(n);
    const agentId = await liveAgent();

    await expect(ensureNumber(settings, agentId)).rejects.toBeInstanceOf(NoNumberError);
    expect(calls().filter((c) => c === "POST /v2/number_orders")).toHaveLength(ORDER_ATTEMPTS);
    expect(await database().db.phoneNumber.count()).toBe(0);
    fake.taken.clear();
  });
});

describe("the pool", () => {
  it("takes a stopped agent's number back, and the next agent gets it without an order", async () => {
    fake.available = ["+14155550301"];
    const first = await liveAgent();
    const { number } = await ensureNumber(settings, first);
    await stopAgent(first, { ownerId: null, actor: "test" });
    const freed = await database().db.phoneNumber.findUniqueOrThrow({ where: { number } });
    expect(freed.agentId).toBeNull();
    expect(freed.freedAt).not.toBeNull();
    fake.requests.length = 0;

    const second = await liveAgent();
    expect((await ensureNumber(settings, second)).number).toBe(number);
    expect(fake.requests).toEqual([]); // never released, never ordered again
  });

  it("gives nothing to an agent that is no longer running", async () => {
    await poolNumbers("+14155550401");
    const agentId = await liveAgent();
    await stopAgent(agentId, { ownerId: null, actor: "test" });
    expect(await claimPoolNumber(agentId)).toBeNull();
  });

  it("a claim in flight holds its number without blocking another claim, which takes the next free one", async () => {
    await poolNumbers("+14155550501", "+14155550502");
    const [a, b] = [await liveAgent(), await liveAgent()];
    // Agent a's claim has picked the longest-freed number and not committed yet.
    const held = new pg.Client({ connectionString: database().url });
    await held.connect();
    try {
      await held.query("BEGIN");
      await held.query(`SELECT id FROM "PhoneNumber" WHERE number = '+14155550501' FOR UPDATE`);
      const taken = await claimPoolNumber(b);
      expect(taken?.number).toBe("+14155550502");
      await held.query(`UPDATE "PhoneNumber" SET "agentId" = $1 WHERE number = '+14155550501'`, [a]);
      await held.query("COMMIT");
    } finally {
      await held.end();
    }
    const rows = await database().db.phoneNumber.findMany({ orderBy: { number: "asc" } });
    expect(rows.map((r) => r.agentId)).toEqual([a, b]);
  });

  it("claims racing for the pool never share a number", async () => {
    await poolNumbers("+14155550601", "+14155550602", "+14155550603");
    const ids = await Promise.all(Array.from({ length: 6 }, liveAgent));
    const claimed = await Promise.all(ids.map((id) => claimPoolNumber(id)));
    const numbers = claimed.filter((c) => c !== null).map((c) => c.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    const rows = await database().db.phoneNumber.findMany();
    expect(new Set(rows.map((r) => r.agentId)).size).toBe(rows.length);
    expect(rows.every((r) => r.agentId !== null)).toBe(true);
  });
});
