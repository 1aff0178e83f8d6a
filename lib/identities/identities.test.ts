/** lib/identities on a real PostgreSQL: pool reservations under the advisory lock, leases. */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import {
  backoffMs,
  msUntilLapsingLease,
  releaseLeases,
  renewLeases,
  sweepStaleLeases,
  takeLease,
} from "./index";
import { markProvisioningFailed } from "./identity-status";
import { reservePoolSlots } from "@/lib/pool/reservations";
import { setTimeout as sleep } from "node:timers/promises";

const database = withTestDatabase();
beforeAll(async () => {
  await database().db.worker.createMany({
    data: [
      { id: "w1", host: "h", pid: 1 },
      { id: "w2", host: "h", pid: 2 },
    ],
  });
});
beforeEach(async () => {
  await database().db.identity.deleteMany();
  await database().db.poolSetting.upsert({
    where: { id: 1 },
    create: { targetIdle: 5 },
    update: { targetIdle: 5 },
  });
});

describe("reservePoolSlots", () => {
  it("two workers reserving at once never overshoot the target", async () => {
    const [a, b] = await Promise.all([reservePoolSlots("w1", 30_000, 4), reservePoolSlots("w2", 30_000, 4)]);
    expect(a.length + b.length).toBe(5);
    expect(await database().db.identity.count({ where: { status: "provisioning" } })).toBe(5);
    expect(await reservePoolSlots("w1", 30_000, 4)).toEqual([]);
  });

  it("retries a failed identity when its backoff has passed, counting it towards the target", async () => {
    const [first] = await reservePoolSlots("w1", 30_000, 1);
    const next = await markProvisioningFailed(first.id, "w1", 0, "boom", { baseMs: 1, capMs: 1 });
    expect(next.getTime()).toBeLessThanOrEqual(Date.now() + 5);
    await sleep(20);
    const again = await reservePoolSlots("w2", 30_000, 1);
    expect(again).toEqual([{ id: first.id, attempts: 1 }]);
    expect(await database().db.identity.count()).toBe(1);
  });
});

describe("leases", () => {
  it("take only when free or expired, renew and release only one's own, sweep expired", async () => {
    const { id } = await database().db.identity.create({ data: { status: "live" } });
    expect(await takeLease(id, "w1", 30_000)).toBe(true);
    expect(await takeLease(id, "w2", 30_000)).toBe(false);
    expect(await releaseLeases("w2", [id])).toBe(0);
    expect([...(await renewLeases("w1", 30_000))]).toEqual([id]);
    expect(await releaseLeases("w1", [id])).toBe(1);
    expect(await takeLease(id, "w2", 1)).toBe(true);
    await sleep(20);
    expect(await takeLease(id, "w1", 30_000)).toBe(true); // w2's lease expired
    expect((await renewLeases("w2", 30_000)).size).toBe(0);

    const stale = await database().db.identity.create({
      data: { status: "provisioning", leaseOwner: "w2", leaseExpiresAt: new Date(Date.now() - 1000) },
    });
    expect(await sweepStaleLeases()).toBe(1);
    expect(await database().db.identity.findUniqueOrThrow({ where: { id: stale.id } })).toMatchObject({
      status: "failed",
      leaseOwner: null,
    });
  });
});

describe("msUntilLapsingLease", () => {
  it("names when another worker's lease lapses, only when it is that close, never one's own", async () => {
    const [mine, theirs] = await Promise.all([
      database().db.identity.create({ data: { status: "live" } }),
      database().db.identity.create({ data: { status: "live" } }),
    ]);
    expect(await takeLease(mine.id, "w1", 2_500)).toBe(true);
    expect(await takeLease(theirs.id, "w2", 30_000)).toBe(true);
    // w2 renews long before its lease ends: nothing lapses within 3 s; w1's own lease does not count.
    // w1's lease, 2.5 s, is within w2's 3 s window (a shorter one could lapse first on a loaded machine).
    expect(await msUntilLapsingLease("w1", 3_000)).toBeNull();
    expect(await msUntilLapsingLease("w2", 3_000)).toBeGreaterThan(0);
    await database().db.identity.update({
      where: { id: theirs.id },
      data: { leaseExpiresAt: new Date(Date.now() + 2_000) },
    });
    // Within the 2 s it was given; how much of them is left depends on how busy the machine is.
    const ms = await msUntilLapsingLease("w1", 3_000);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(2_000);
    // Lapsed already: the poll finds it as unowned work, nothing to wait for.
    await database().db.identity.update({
      where: { id: theirs.id },
      data: { leaseExpiresAt: new Date(Date.now() - 1_000) },
    });
    expect(await msUntilLapsingLease("w1", 3_000)).toBeNull();
  });
});

describe("backoffMs", () => {
  it("doubles, caps and jitters into [d/2, d]", () => {
    expect(backoffMs(1, { baseMs: 100, random: () => 1 })).toBe(100);
    expect(backoffMs(3, { baseMs: 100, random: () => 0 })).toBe(200);
    expect(backoffMs(30, { baseMs: 100, capMs: 1000, random: () => 1 })).toBe(1000);
  });
});
