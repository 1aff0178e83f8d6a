import { beforeEach, describe, expect, it } from "vitest";
import { seedIdleIdentities, withTestDatabase } from "@/test/db";
import { updatePoolSettings, getPoolSettings, DEFAULT_POOL_SETTINGS } from "@/lib/pool/settings";
import { claimExtraConversation } from "./extra-conversation";
import { claimAgent } from "./claim";
import { claimExtraWithinLimits } from "./limits";
import { stopAgent, restartAgent } from "./mutations";
import { agentStatusForOwner, inviteUrlForOwner } from "./queries";

const database = withTestDatabase();

beforeEach(async () => {
  const { db } = database();
  await db.event.deleteMany();
  await db.identity.deleteMany();
  await db.agent.deleteMany();
  await db.poolSetting.deleteMany();
  await db.user.deleteMany();
  await db.template.deleteMany();
});

const warm = (n: number) => seedIdleIdentities(database().db, n);

async function template(slug: string, { published }: { published: boolean }) {
  const name = slug[0].toUpperCase() + slug.slice(1);
  return database().db.template.create({
    data: {
      slug,
      name: `${name} agent`,
      emoji: "🤝",
      category: "Test",
      description: "A test template.",
      instructions: `Help with ${slug} things.`,
      published,
    },
  });
}

async function user(email = "a@example.test") {
  return database().db.user.create({ data: { email } });
}

describe("pool settings", () => {
  it("reads the schema defaults without a row and creates the row on the first write", async () => {
    expect(await getPoolSettings()).toEqual(DEFAULT_POOL_SETTINGS);
    expect(await updatePoolSettings({ targetIdle: 9 })).toMatchObject({
      targetIdle: 9,
      claimsPerUserPerHour: 20,
    });
    expect(await database().db.poolSetting.count()).toBe(1);
  });
});

describe("claimAgent", () => {
  it("launches for a user, named after the template, with the invite", async () => {
    const [identity] = await warm(1);
    const owner = await user();
    await template("helper", { published: true });
    const claim = await claimAgent({ ownerId: owner.id, templateSlug: "helper" });
    expect(claim).toMatchObject({ status: "ready", joined: false, inviteUrl: identity.inviteUrl });
    expect(await agentStatusForOwner(claim.agentId, owner.id)).toMatchObject({
      status: "ready",
      source: "launch",
    });
    const agent = await database().db.agent.findUniqueOrThrow({
      where: { id: claim.agentId },
      include: { template: true },
    });
    expect(agent).toMatchObject({
      name: "Helper agent",
      instructions: "Help with helper things.",
      template: { slug: "helper" },
    });
    const other = await user("b@example.test");
    expect(await agentStatusForOwner(claim.agentId, other.id)).toBeNull();
    // The invite (and its QR route) is the owner's alone, and gone once the agent stops.
    expect(await inviteUrlForOwner(claim.agentId, claim.identityId!, owner.id)).toBe(claim.inviteUrl);
    expect(await inviteUrlForOwner(claim.agentId, claim.identityId!, other.id)).toBeNull();
    await stopAgent(claim.agentId, { ownerId: owner.id, actor: owner.id });
    expect(await inviteUrlForOwner(claim.agentId, claim.identityId!, owner.id)).toBeNull();
  });

  it("refuses an unknown or unpublished template before the limits, and claims nothing", async () => {
    await warm(1);
    const owner = await user();
    await template("draft", { published: false });
    await updatePoolSettings({ claimsPerUserPerHour: 0 });
    for (const slug of ["draft", "no-such-template"]) {
      await expect(claimAgent({ ownerId: owner.id, templateSlug: slug })).rejects.toMatchObject({
        code: "template_not_found",
        status: 404,
      });
    }
    await expect(claimAgent({ ownerId: owner.id })).rejects.toMatchObject({ code: "rate_limited" });
    expect(await database().db.identity.count({ where: { status: "idle" } })).toBe(1);
  });

  it("refuses a user over the hourly claims limit, and claims nothing", async () => {
    await warm(3);
    const owner = await user();
    await updatePoolSettings({ claimsPerUserPerHour: 2 });
    await claimAgent({ ownerId: owner.id });
    await claimAgent({ ownerId: owner.id });
    await expect(claimAgent({ ownerId: owner.id })).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
    });
    expect(await database().db.identity.count({ where: { status: "idle" } })).toBe(1);
  });

  it("refuses a user owning the most running agents; stopping one frees a place", async () => {
    await warm(3);
    const owner = await user();
    await updatePoolSettings({ liveAgentsPerUser: 1 });
    const first = await claimAgent({ ownerId: owner.id });
    await expect(claimAgent({ ownerId: owner.id })).rejects.toThrow(/running agents/);
    await stopAgent(first.agentId, { ownerId: owner.id, actor: owner.id });
    await expect(claimAgent({ ownerId: owner.id })).resolves.toMatchObject({ status: "ready" });
    const events = await database().db.event.findMany({ where: { agentId: first.agentId, kind: "stopped" } });
    expect(events).toHaveLength(1);
  });

  it("limits API claims (no owner) separately", async () => {
    await warm(2);
    await updatePoolSettings({ apiClaimsPerHour: 1 });
    await claimAgent({ ownerId: null });
    await expect(claimAgent({ ownerId: null })).rejects.toMatchObject({ code: "rate_limited" });
    const owner = await user();
    await expect(claimAgent({ ownerId: owner.id })).resolves.toMatchObject({ status: "ready" });
  });

  it("answers pool_empty at once when no identity is idle", async () => {
    const owner = await user();
    await expect(claimAgent({ ownerId: owner.id })).rejects.toMatchObject({
      code: "pool_empty",
      status: 503,
    });
  });

  it("rejects an invalid invite before claiming", async () => {
    await warm(1);
    const owner = await user();
    await expect(
      claimAgent({ ownerId: owner.id, joinUrl: "https://example.com/nope" }),
    ).rejects.toMatchObject({
      code: "invalid_invite_url",
    });
    expect(await database().db.agent.count()).toBe(0);
  });
});

describe("claim limits under concurrency", () => {
  it("20 parallel launches by one user never pass the running-agents limit", async () => {
    await warm(25);
    const owner = await user();
    await updatePoolSettings({ liveAgentsPerUser: 3, claimsPerUserPerHour: 100 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => claimAgent({ ownerId: owner.id })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.filter((r) => r.status === "rejected").map((r) => r.reason);
    expect(refused.every((e) => e.code === "rate_limited")).toBe(true);
    expect(await database().db.agent.count({ where: { ownerId: owner.id } })).toBe(3);
    expect(await database().db.identity.count({ where: { status: "idle" } })).toBe(22);
  });

  it("20 parallel launches by one user never pass the hourly limit, and each claim has its event", async () => {
    await warm(25);
    const owner = await user();
    await updatePoolSettings({ liveAgentsPerUser: 100, claimsPerUserPerHour: 4 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => claimAgent({ ownerId: owner.id })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    expect(await database().db.event.count({ where: { kind: "claim" } })).toBe(4);
  });

  it("extra conversations: capped per agent, counted against the owner's limits, exact under concurrency", async () => {
    await warm(12);
    const owner = await user();
    await updatePoolSettings({ liveAgentsPerUser: 4, claimsPerUserPerHour: 100 });
    const first = await claimAgent({ ownerId: owner.id });
    await database().db.agent.update({ where: { id: first.agentId }, data: { status: "live" } });
    await database().db.worker.create({ data: { id: "w1", host: "h", pid: 1 } });
    const invite = () =>
      claimExtraWithinLimits(first.agentId, 2, (tx) =>
        claimExtraConversation(first.agentId, "w1", 30_000, tx),
      );
    const results = await Promise.allSettled(Array.from({ length: 8 }, invite));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    const refused = results.filter((r) => r.status === "rejected").map((r) => r.reason);
    expect(refused.every((e) => e.code === "extra_conversations_limit")).toBe(true);
    // 1 agent + 2 extra conversations running: one more agent fits in the owner's 4, then nothing.
    await claimAgent({ ownerId: owner.id });
    await expect(claimAgent({ ownerId: owner.id })).rejects.toThrow(/4 running agents and conversations/);
    expect(await database().db.event.count({ where: { kind: "claim", agentId: first.agentId } })).toBe(3);
  });
});

describe("stop and restart", () => {
  it("only the owner stops; restart hands a launch agent back as ready", async () => {
    await warm(1);
    const owner = await user();
    const other = await user("b@example.test");
    const claim = await claimAgent({ ownerId: owner.id });
    await expect(stopAgent(claim.agentId, { ownerId: other.id, actor: other.id })).rejects.toMatchObject({
      code: "not_found",
    });
    await stopAgent(claim.agentId, { ownerId: null, actor: "admin" });
    expect(await restartAgent(claim.agentId, "admin")).toBe("ready");
    expect(await agentStatusForOwner(claim.agentId, owner.id)).toMatchObject({
      status: "ready",
      stoppedAt: null,
    });
  });
});
