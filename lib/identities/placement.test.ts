/** Placement on a real PostgreSQL: homes, room under the maximum, the least loaded first, drains, lost homes. */
import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { claimExtraConversation } from "@/lib/agents/extra-conversation";
import { identitiesWithoutLiveHome, setHomeIfUnset, takePlacedLease, takePlacedLeases } from "./index";

const database = withTestDatabase();
beforeEach(async () => {
  await database().db.identity.deleteMany();
  await database().db.agent.deleteMany();
  await database().db.worker.deleteMany();
});

const LEASE = 30_000;
const place = (workerId: string, homeKey = "home-a") => ({ workerId, homeKey, leaseMs: LEASE });

async function workers(...specs: { id: string; home?: string; max?: number; draining?: boolean }[]) {
  await database().db.worker.createMany({
    data: specs.map((s, i) => ({
      id: s.id,
      host: "h",
      pid: i + 1,
      homeKey: s.home ?? "home-a",
      maxAgents: s.max ?? 500,
      draining: s.draining ?? false,
    })),
  });
}

/** Claimed agents waiting for a worker, in `homeKey` (null: not placed yet). */
async function claimed(n: number, homeKey: string | null = "home-a"): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const agent = await database().db.agent.create({
      data: { name: `A${i}`, instructions: "x", status: "ready" },
    });
    const identity = await database().db.identity.create({
      data: { status: "claimed", agentId: agent.id, homeKey },
    });
    ids.push(identity.id);
  }
  return ids;
}

const held = async (workerId: string) => database().db.identity.count({ where: { leaseOwner: workerId } });

describe("takePlacedLease", () => {
  it("a worker of another home never takes an identity; one without a home becomes the taker's", async () => {
    await workers({ id: "a" }, { id: "b", home: "home-b" });
    const [placed] = await claimed(1, "home-a");
    expect(await takePlacedLease(placed, place("b", "home-b"))).toBe(false);
    expect(await takePlacedLease(placed, place("a"))).toBe(true);
    const [unplaced] = await claimed(1, null);
    expect(await takePlacedLease(unplaced, place("b", "home-b"))).toBe(true);
    expect((await database().db.identity.findUniqueOrThrow({ where: { id: unplaced } })).homeKey).toBe(
      "home-b",
    );
    await setHomeIfUnset(unplaced, "home-a"); // already placed: unchanged
    expect((await database().db.identity.findUniqueOrThrow({ where: { id: unplaced } })).homeKey).toBe(
      "home-b",
    );
  });

  it("a claim goes to the least loaded worker: the others are refused while they hold more", async () => {
    await workers({ id: "a" }, { id: "b" }, { id: "c" });
    const ids = await claimed(7);
    // a takes 3 and b 2 (their fair share is 3 of 7 over 3 workers), c none yet.
    for (const id of ids.slice(0, 3)) expect(await takePlacedLease(id, place("a"))).toBe(true);
    for (const id of ids.slice(3, 5)) expect(await takePlacedLease(id, place("b"))).toBe(true);
    expect(await takePlacedLease(ids[5], place("a"))).toBe(false); // a is past its share and ahead of c
    expect(await takePlacedLease(ids[5], place("c"))).toBe(true);
    expect(await takePlacedLease(ids[6], place("c"))).toBe(true);
    expect([await held("a"), await held("b"), await held("c")]).toEqual([3, 2, 2]);
  });

  it("all workers racing for every claim at once end up even", async () => {
    await workers({ id: "a" }, { id: "b" }, { id: "c" });
    const ids = await claimed(30);
    await Promise.all(["a", "b", "c"].flatMap((w) => ids.map((id) => takePlacedLease(id, place(w)))));
    const counts = [await held("a"), await held("b"), await held("c")];
    expect(counts.reduce((x, y) => x + y)).toBe(30);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it("a full worker takes nothing, and the others take past their share rather than leave agents waiting", async () => {
    await workers({ id: "a", max: 2 }, { id: "b" });
    const ids = await claimed(6);
    expect(await takePlacedLease(ids[0], place("a"))).toBe(true);
    expect(await takePlacedLease(ids[1], place("a"))).toBe(true);
    expect(await takePlacedLease(ids[2], place("a"))).toBe(false); // full
    for (const id of ids.slice(2)) expect(await takePlacedLease(id, place("b"))).toBe(true);
    expect(await held("b")).toBe(4);
  });

  it("a draining worker takes nothing; the others do not wait for it", async () => {
    await workers({ id: "a", draining: true }, { id: "b" });
    const ids = await claimed(2);
    expect(await takePlacedLease(ids[0], place("a"))).toBe(false);
    expect(await takePlacedLease(ids[0], place("b"))).toBe(true);
    expect(await takePlacedLease(ids[1], place("b"))).toBe(true);
  });

  it("a worker whose heartbeat is older than a lease no longer counts as a peer; a late one still does", async () => {
    await workers({ id: "a" }, { id: "b" });
    await database().db.worker.update({
      where: { id: "b" },
      data: { heartbeatAt: new Date(Date.now() - LEASE / 2) },
    });
    const [first, second] = await claimed(2);
    expect(await takePlacedLease(first, place("a"))).toBe(true);
    expect(await takePlacedLease(second, place("a"))).toBe(false); // b (late, 0 agents) comes first
    await database().db.identity.deleteMany();
    await database().db.agent.deleteMany();
    await database().db.worker.update({
      where: { id: "b" },
      data: { heartbeatAt: new Date(Date.now() - LEASE - 1000) },
    });
    const ids = await claimed(4);
    for (const id of ids) expect(await takePlacedLease(id, place("a"))).toBe(true);
  });
});

describe("takePlacedLeases", () => {
  it("takes a failover's whole fair share in one go, then one more only while no other holds fewer", async () => {
    await workers({ id: "a" }, { id: "b" });
    const ids = await claimed(9);
    // 9 agents, 2 workers: a share of 5 each. a takes its 5 at once, then nothing while b holds fewer.
    const taken = await takePlacedLeases(ids, place("a"));
    expect(taken).toHaveLength(5);
    expect(await held("a")).toBe(5);
    expect(await takePlacedLeases(ids, place("a"))).toEqual([]);
    const rest = ids.filter((id) => !taken.includes(id));
    expect((await takePlacedLeases(rest, place("b"))).sort()).toEqual([...rest].sort());
  });

  it("never takes past a worker's room, nor anything while it drains or another home holds the identity", async () => {
    await workers({ id: "a", max: 3 }, { id: "b", draining: true });
    const ids = await claimed(6);
    expect(await takePlacedLeases(ids, place("b"))).toEqual([]);
    expect(await takePlacedLeases(ids, place("a"))).toHaveLength(3);
    const other = await claimed(2, "home-b");
    await workers({ id: "c", home: "home-c" });
    expect(await takePlacedLeases(other, place("c", "home-c"))).toEqual([]);
    expect(await takePlacedLeases([], place("a"))).toEqual([]);
  });
});

describe("identitiesWithoutLiveHome", () => {
  it("lists agents whose home has no worker up, not those of a live home", async () => {
    await workers({ id: "a" }, { id: "gone", home: "home-gone" });
    await database().db.worker.update({ where: { id: "gone" }, data: { stoppedAt: new Date() } });
    await claimed(1, "home-a");
    const [lost] = await claimed(1, "home-gone");
    expect((await identitiesWithoutLiveHome(LEASE)).map((r) => r.id)).toEqual([lost]);
    expect(await takePlacedLease(lost, place("a"))).toBe(false);
  });
});

describe("claims and homes", () => {
  const warm = (homeKey: string, n: number) =>
    database().db.identity.create({
      data: {
        status: "idle",
        homeKey,
        inviteUrl: `https://x/${homeKey}/${n}`,
        createdAt: new Date(1000 * n),
      },
    });

  it("a claim takes a warm identity whose home has a worker up before an older one whose home has none", async () => {
    await workers({ id: "a" }, { id: "gone", home: "home-gone" });
    await database().db.worker.update({ where: { id: "gone" }, data: { stoppedAt: new Date() } });
    await warm("home-gone", 1);
    const runnable = await warm("home-a", 2);
    const claim = await claimWarmIdentity({ ownerId: null, templateId: null, name: "N", instructions: "i" });
    expect(claim.identityId).toBe(runnable.id);
  });

  it("/invite of a live agent takes only a warm identity of the asking worker's home", async () => {
    await workers({ id: "a" }, { id: "b", home: "home-b" });
    const agent = await database().db.agent.create({
      data: { name: "L", instructions: "i", status: "live" },
    });
    await warm("home-b", 1);
    const mine = await warm("home-a", 2);
    const extra = await claimExtraConversation(agent.id, "a", LEASE, undefined, "home-a");
    expect(extra.identityId).toBe(mine.id);
    await expect(claimExtraConversation(agent.id, "a", LEASE, undefined, "home-a")).rejects.toThrow();
  });
});
