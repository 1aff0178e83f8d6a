import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { updatePoolSettings, getPoolSettings, DEFAULT_POOL_SETTINGS } from "@/lib/settings/pool";
import { claimAgent } from "./claim";
import { stopAgent, restartAgent } from "./mutations";
import { agentStatusForOwner } from "./queries";

const database = withTestDatabase();

beforeEach(async () => {
  const { db } = database();
  await db.event.deleteMany();
  await db.identity.deleteMany();
  await db.agent.deleteMany();
  await db.poolSetting.deleteMany();
  await db.user.deleteMany();
});

async function warm(n: number) {
  for (let i = 0; i < n; i++) {
    await database().db.identity.create({
      data: { status: "idle", inboxId: `inbox-${i}`, conversationId: `c-${i}`, inviteUrl: `https://dev.convos.org/v2?i=s${i}` },
    });
  }
}

async function user(email = "a@example.test") {
  return database().db.user.create({ data: { email } });
}

describe("pool settings", () => {
  it("reads the schema defaults without a row and creates the row on the first write", async () => {
    expect(await getPoolSettings()).toEqual(DEFAULT_POOL_SETTINGS);
    expect(await updatePoolSettings({ targetIdle: 9 })).toMatchObject({ targetIdle: 9, claimsPerUserPerHour: 20 });
    expect(await database().db.poolSetting.count()).toBe(1);
  });
});

describe("claimAgent", () => {
  it("launches for a user, named after the template, with the invite", async () => {
    await warm(1);
    const owner = await user();
    const claim = await claimAgent({ ownerId: owner.id, template: null, name: "Helper" });
    expect(claim).toMatchObject({ status: "ready", joined: false, inviteUrl: "https://dev.convos.org/v2?i=s0" });
    expect(await agentStatusForOwner(claim.agentId, owner.id)).toMatchObject({ status: "ready", source: "launch" });
    const other = await user("b@example.test");
    expect(await agentStatusForOwner(claim.agentId, other.id)).toBeNull();
  });

  it("refuses a user over the hourly claims limit, and claims nothing", async () => {
    await warm(3);
    const owner = await user();
    await updatePoolSettings({ claimsPerUserPerHour: 2 });
    await claimAgent({ ownerId: owner.id, template: null });
    await claimAgent({ ownerId: owner.id, template: null });
    await expect(claimAgent({ ownerId: owner.id, template: null })).rejects.toMatchObject({ code: "rate_limited", status: 429 });
    expect(await database().db.identity.count({ where: { status: "idle" } })).toBe(1);
  });

  it("refuses a user owning the most running agents; stopping one frees a place", async () => {
    await warm(3);
    const owner = await user();
    await updatePoolSettings({ liveAgentsPerUser: 1 });
    const first = await claimAgent({ ownerId: owner.id, template: null });
    await expect(claimAgent({ ownerId: owner.id, template: null })).rejects.toThrow(/running agents/);
    await stopAgent(first.agentId, { ownerId: owner.id, actor: owner.id });
    await expect(claimAgent({ ownerId: owner.id, template: null })).resolves.toMatchObject({ status: "ready" });
    const events = await database().db.event.findMany({ where: { agentId: first.agentId, kind: "stopped" } });
    expect(events).toHaveLength(1);
  });

  it("limits API claims (no owner) separately", async () => {
    await warm(2);
    await updatePoolSettings({ apiClaimsPerHour: 1 });
    await claimAgent({ ownerId: null, template: null });
    await expect(claimAgent({ ownerId: null, template: null })).rejects.toMatchObject({ code: "rate_limited" });
    const owner = await user();
    await expect(claimAgent({ ownerId: owner.id, template: null })).resolves.toMatchObject({ status: "ready" });
  });

  it("answers pool_empty at once when no identity is idle", async () => {
    const owner = await user();
    await expect(claimAgent({ ownerId: owner.id, template: null })).rejects.toMatchObject({ code: "pool_empty", status: 503 });
  });

  it("rejects an invalid invite before claiming", async () => {
    await warm(1);
    const owner = await user();
    await expect(claimAgent({ ownerId: owner.id, template: null, joinUrl: "https://example.com/nope" })).rejects.toMatchObject({
      code: "invalid_invite_url",
    });
    expect(await database().db.agent.count()).toBe(0);
  });
});

describe("stop and restart", () => {
  it("only the owner stops; restart hands a launch agent back as ready", async () => {
    await warm(1);
    const owner = await user();
    const other = await user("b@example.test");
    const claim = await claimAgent({ ownerId: owner.id, template: null });
    await expect(stopAgent(claim.agentId, { ownerId: other.id, actor: other.id })).rejects.toMatchObject({ code: "not_found" });
    await stopAgent(claim.agentId, { ownerId: null, actor: "admin" });
    expect(await restartAgent(claim.agentId, "admin")).toBe("ready");
    expect(await agentStatusForOwner(claim.agentId, owner.id)).toMatchObject({ status: "ready", stoppedAt: null });
  });
});
