import { beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { withTestDatabase } from "@/test/db";
import { AGENT_CLAIMED_CHANNEL, claimWarmIdentity } from "./claim-warm-identity";
import { PoolEmptyError } from "@/lib/pool/errors";

const database = withTestDatabase();
beforeEach(async () => {
  await database().db.event.deleteMany();
  await database().db.identity.deleteMany();
  await database().db.agent.deleteMany();
});

async function warmIdentities(n: number) {
  for (let i = 0; i < n; i++) {
    await database().db.identity.create({
      data: {
        status: "idle",
        inboxId: `inbox-${i}`,
        conversationId: `conv-${i}`,
        inviteUrl: `https://dev.convos.org/v2?i=slug-${i}`,
        inviteTag: `tag${i}`,
        createdAt: new Date(Date.now() - (n - i) * 1000),
      },
    });
  }
}

const request = { ownerId: null, templateId: null, name: "Trip Planner", instructions: "Plan trips." };

describe("claimWarmIdentity", () => {
  it("hands out the oldest idle identity's invite and creates the agent", async () => {
    await warmIdentities(3);
    const claim = await claimWarmIdentity(request);
    expect(claim.inviteUrl).toBe("https://dev.convos.org/v2?i=slug-0");
    expect(claim.conversationId).toBe("conv-0");
    const agent = await database().db.agent.findUniqueOrThrow({
      where: { id: claim.agentId },
      include: { identities: true },
    });
    expect(agent).toMatchObject({ name: "Trip Planner", status: "ready", source: "launch" });
    expect(agent.identities.map((i) => [i.inboxId, i.status, i.isOwnerConversation])).toEqual([
      ["inbox-0", "claimed", true],
    ]);
    expect(await database().db.identity.count({ where: { status: "idle" } })).toBe(2);
    const events = await database().db.event.findMany({ where: { kind: "claim" } });
    expect(events).toHaveLength(1);
    expect(events[0].latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("answers pool_empty and writes nothing when no identity is idle", async () => {
    await expect(claimWarmIdentity(request)).rejects.toBeInstanceOf(PoolEmptyError);
    expect(await database().db.agent.count()).toBe(0);
    expect(await database().db.event.count()).toBe(0);
  });

  it("50 concurrent claims against 10 idle identities: exactly 10 agents, 40 pool_empty, no identity shared", async () => {
    await warmIdentities(10);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => claimWarmIdentity(request)));
    const won = results.filter((r) => r.status === "fulfilled");
    const empty = results.filter((r) => r.status === "rejected" && r.reason instanceof PoolEmptyError);
    expect(won).toHaveLength(10);
    expect(empty).toHaveLength(40);
    expect(await database().db.agent.count()).toBe(10);
    const claimed = await database().db.identity.findMany({ where: { status: "claimed" } });
    expect(claimed).toHaveLength(10);
    expect(new Set(claimed.map((i) => i.agentId)).size).toBe(10);
    const invites = won.map((r) => (r as PromiseFulfilledResult<{ inviteUrl: string }>).value.inviteUrl);
    expect(new Set(invites).size).toBe(10);
  });

  it("notifies the worker only once the claim is committed", async () => {
    await warmIdentities(1);
    const listener = new pg.Client({ connectionString: database().url });
    await listener.connect();
    const heard: string[] = [];
    listener.on("notification", (n) => heard.push(n.payload ?? ""));
    await listener.query(`LISTEN ${AGENT_CLAIMED_CHANNEL}`);
    const claim = await claimWarmIdentity(request);
    await expect.poll(() => heard).toEqual([claim.agentId]);
    await listener.end();
  });
});
