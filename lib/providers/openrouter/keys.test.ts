/**
 * Per-agent OpenRouter keys against a loopback fake of OpenRouter's API (test/fake-openrouter.ts) and a
 * real PostgreSQL: a key is made once per agent and kept sealed, a creation cut short is recovered by
 * name, a stopped agent's key is deleted, the retention sweep removes orphans and counts spending, and an
 * owner's raise stops at the admin's maximum.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { startFakeOpenRouter, type FakeOpenRouter } from "@/test/fake-openrouter";
import { deriveSealingKey, open } from "@/lib/secrets";
import { usageOf } from "@/lib/providers/usage";
import { agentModelKey, retireAgentKey } from "./keys";
import { keyView, raiseKeyLimit, raisedLimit } from "./limit";
import { keyName, type OpenRouterSettings } from "./settings";
import { sweepModelKeys } from "./sweep";

const database = withTestDatabase();
const sealing = deriveSealingKey("keys-test-master-key-0123456789abcdef");
let fake: FakeOpenRouter;
let s: OpenRouterSettings;

beforeAll(async () => {
  fake = await startFakeOpenRouter();
  s = {
    managementKey: fake.managementKey,
    baseUrl: fake.baseUrl,
    prefix: "test-agent-",
    limitUsd: 1,
    limitMaxUsd: 10,
    limitStepUsd: 4,
  };
});
afterAll(() => fake?.close());

let owner: string | undefined;
async function newAgent(status: "live" | "stopped" = "live"): Promise<string> {
  const { db } = database();
  owner ??= (await db.user.create({ data: { email: "keys-owner@example.test" } })).id;
  return (await db.agent.create({ data: { name: "Chef", instructions: "Cooks.", status, ownerId: owner } }))
    .id;
}

const keysNamed = (name: string) => [...fake.keys.values()].filter((k) => k.name === name);
const creates = () => fake.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/keys").length;

describe("an agent's model key", () => {
  it("is made once however many calls ask at once, with the limit, and is sealed at rest", async () => {
    const agentId = await newAgent();
    const before = creates();
    const made = await Promise.all(Array.from({ length: 5 }, () => agentModelKey(s, sealing, agentId)));
    const keys = made.map((k) => k.key);
    expect(new Set(keys).size).toBe(1);
    expect((await agentModelKey(s, sealing, agentId)).key).toBe(keys[0]);
    expect(creates() - before).toBe(1);
    const [atFake] = keysNamed(keyName(s, agentId));
    expect(atFake).toMatchObject({ key: keys[0], limit: 1, name: `test-agent-${agentId}` });

    const { db } = database();
    const rows = await db.$queryRaw<{ row: string }[]>`
      SELECT row_to_json(k)::text AS row FROM "AgentModelKey" k WHERE "agentId" = ${agentId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0].row).toContain(atFake.hash);
    expect(rows[0].row).not.toContain(keys[0]); // nor any part of it in the clear
    expect(rows[0].row).not.toContain(keys[0].slice(9, 41));
    const row = await db.agentModelKey.findUniqueOrThrow({ where: { agentId } });
    expect(Buffer.from(row.sealedKey!).includes(Buffer.from(keys[0]))).toBe(false);
    expect(Buffer.from(open(sealing, row.sealedKey!)).toString("utf8")).toBe(keys[0]);
  });

  it("after a creation cut short, deletes the key it may have left and makes a new one", async () => {
    const agentId = await newAgent();
    const name = keyName(s, agentId);
    const leftover = fake.addKey(name);
    await database().db.agentModelKey.create({
      data: { agentId, name, creatingSince: new Date(Date.now() - 120_000), creatingBy: "crashed" },
    });
    const { key } = await agentModelKey(s, sealing, agentId);
    expect(keysNamed(name).map((k) => k.key)).toEqual([key]);
    expect(fake.keys.has(leftover.hash)).toBe(false);
  });

  it("a refused creation is taken over by the next call, which makes the key", async () => {
    const agentId = await newAgent();
    fake.failNext(500);
    await expect(agentModelKey(s, sealing, agentId)).rejects.toThrow(/openrouter: HTTP 500/);
    expect(keysNamed(keyName(s, agentId))).toEqual([]);
    const { key } = await agentModelKey(s, sealing, agentId);
    expect(keysNamed(keyName(s, agentId)).map((k) => k.key)).toEqual([key]);
  });

  it("is deleted when the agent stops, its spending counted; a live agent's is kept", async () => {
    const { db } = database();
    const agentId = await newAgent();
    await agentModelKey(s, sealing, agentId);
    expect(await retireAgentKey(s, agentId)).toBe(false); // still live
    const [k] = keysNamed(keyName(s, agentId));
    k.usage = 0.5;
    await db.agent.update({ where: { id: agentId }, data: { status: "stopped" } });
    expect(await retireAgentKey(s, agentId)).toBe(true);
    expect(fake.keys.has(k.hash)).toBe(false);
    expect(await db.agentModelKey.count({ where: { agentId } })).toBe(0);
    expect(await usageOf(agentId)).toEqual([{ provider: "openrouter", sent: 0, received: 0, spentUsd: 0.5 }]);
  });
});

describe("the retention sweep", () => {
  it("deletes our keys of stopped and gone agents and leftovers, counts live ones, leaves others' keys", async () => {
    const { db } = database();
    const live = await newAgent();
    const stopped = await newAgent();
    await agentModelKey(s, sealing, live);
    await agentModelKey(s, sealing, stopped);
    await db.agent.update({ where: { id: stopped }, data: { status: "stopped" } });
    const [current] = keysNamed(keyName(s, live));
    current.usage = 0.75;
    const leftover = fake.addKey(keyName(s, live)); // an interrupted creation's
    const ghost = fake.addKey(keyName(s, "gone-agent"));
    const foreign = fake.addKey("someone-else-key");

    const swept = await sweepModelKeys(s);

    expect(fake.keys.has(current.hash)).toBe(true);
    expect(fake.keys.has(foreign.hash)).toBe(true);
    expect(fake.keys.has(leftover.hash)).toBe(false);
    expect(fake.keys.has(ghost.hash)).toBe(false);
    expect(keysNamed(keyName(s, stopped))).toEqual([]);
    expect(await db.agentModelKey.count({ where: { agentId: stopped } })).toBe(0);
    expect(swept.deleted).toBe(3); // the other tests' live agents' keys are counted, not deleted
    expect((await usageOf(live))[0]).toMatchObject({ provider: "openrouter", spentUsd: 0.75 });
    await sweepModelKeys(s); // counted once
    expect((await usageOf(live))[0].spentUsd).toBe(0.75);
  });
});

describe("the limit its owner sees and raises", () => {
  it("shows the remaining limit, or says OpenRouter is out of reach", async () => {
    const agentId = await newAgent();
    expect(await keyView(s, agentId)).toEqual({ state: "none" });
    await agentModelKey(s, sealing, agentId);
    keysNamed(keyName(s, agentId))[0].usage = 0.25;
    expect(await keyView(s, agentId)).toEqual({
      state: "ready",
      limit: 1,
      remaining: 0.75,
      usage: 0.25,
      max: 10,
      step: 4,
    });
    fake.failNext(503);
    expect(await keyView(s, agentId)).toEqual({ state: "unreachable" });
  });

  it("rises a step at a time up to the maximum, lifting the out-of-budget mark; never past it", async () => {
    const { db } = database();
    const agentId = await newAgent();
    await agentModelKey(s, sealing, agentId);
    await db.agent.update({
      where: { id: agentId },
      data: { outOfBudgetAt: new Date(), outOfBudgetReason: "key_limit" },
    });
    expect(await raiseKeyLimit(s, agentId, owner!)).toBe(5);
    expect(await db.agent.findUniqueOrThrow({ where: { id: agentId } })).toMatchObject({
      outOfBudgetAt: null,
      outOfBudgetReason: null,
    });
    expect(await raiseKeyLimit(s, agentId, owner!)).toBe(9);
    expect(await raiseKeyLimit(s, agentId, owner!)).toBe(10);
    await expect(raiseKeyLimit(s, agentId, owner!)).rejects.toMatchObject({
      code: "limit_at_most",
      message: "The limit is already $10.00, the most this server allows.",
    });
    expect(keysNamed(keyName(s, agentId))[0].limit).toBe(10);
    expect(raisedLimit(0.1, { limitStepUsd: 0.2, limitMaxUsd: 10 })).toBe(0.3);
  });

  it("refuses someone else, an agent without a key, and says so when OpenRouter is out of reach", async () => {
    const agentId = await newAgent();
    const other = (await database().db.user.create({ data: { email: "not-owner@example.test" } })).id;
    await expect(raiseKeyLimit(s, agentId, other)).rejects.toMatchObject({ code: "not_found" });
    await expect(raiseKeyLimit(s, agentId, owner!)).rejects.toMatchObject({ code: "no_model_key" });
    await agentModelKey(s, sealing, agentId);
    fake.failNext(503, 3);
    await expect(raiseKeyLimit(s, agentId, owner!)).rejects.toMatchObject({ code: "provider_unreachable" });
    expect(keysNamed(keyName(s, agentId))[0].limit).toBe(1);
  });
});
