import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { minuteOf, poolSamplesSince, recordPoolSample } from "./samples";

const database = withTestDatabase();
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe("pool samples", () => {
  it("keeps one sample per minute when samplers race, and the next minute gets its own", async () => {
    const now = new Date("2026-11-30T06:00:30Z");
    const results = await Promise.all(
      Array.from({ length: 6 }, () => recordPoolSample({ now, retentionDays: 7 })),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    // A later try within the same minute writes nothing either.
    expect(
      (await recordPoolSample({ now: new Date("2026-11-30T06:00:59Z"), retentionDays: 7 })).recorded,
    ).toBe(false);
    expect(
      (await recordPoolSample({ now: new Date("2026-11-30T06:01:02Z"), retentionDays: 7 })).recorded,
    ).toBe(true);
    const rows = await poolSamplesSince(new Date("2026-11-30T05:00:00Z"));
    expect(rows.map((r) => r.minute.toISOString())).toEqual([
      "2026-11-30T06:00:00.000Z",
      "2026-11-30T06:01:00.000Z",
    ]);
  });

  it("counts identities now, and the claims and answers of the minute before only", async () => {
    const { db } = database();
    const now = new Date("2026-12-01T10:05:20Z");
    const minute = minuteOf(now);
    const inPrevious = (s: number) => new Date(minute.getTime() - MINUTE + s * 1000);
    await db.identity.createMany({
      data: [
        { status: "idle" },
        { status: "idle" },
        { status: "claimed" },
        { status: "live" },
        { status: "live" },
        { status: "live" },
        { status: "failed" },
      ],
    });
    const agent = await db.agent.create({ data: { name: "a", instructions: "i" } });
    await db.event.createMany({
      data: [
        ...[100, 200, 300, 400, 5000].map((latencyMs, i) => ({
          kind: "claim" as const,
          agentId: agent.id,
          latencyMs,
          createdAt: inPrevious(i * 10),
        })),
        // Outside the minute before: earlier, and in the sample's own minute.
        { kind: "claim" as const, agentId: agent.id, latencyMs: 90_000, createdAt: inPrevious(-1) },
        { kind: "claim" as const, agentId: agent.id, latencyMs: 90_000, createdAt: minute },
      ],
    });
    await db.handledMessage.createMany({
      data: [
        { identityId: "i1", messageId: "m1", kind: "answered", handledAt: inPrevious(0) },
        { identityId: "i1", messageId: "m2", kind: "answered", handledAt: inPrevious(59) },
        { identityId: "i1", messageId: "m3", kind: "answered", handledAt: minute },
        { identityId: "i1", messageId: "m4", kind: "skipped", handledAt: inPrevious(5) },
        { identityId: "i1", messageId: "m5", kind: "answered", handledAt: inPrevious(-1) },
      ],
    });

    expect((await recordPoolSample({ now, retentionDays: 7 })).recorded).toBe(true);
    const [sample] = await poolSamplesSince(minute);
    expect(sample).toMatchObject({ idle: 2, claimed: 1, live: 3, claims: 5, answers: 2, claimP50Ms: 300 });
    expect(sample.claimP95Ms).toBeGreaterThan(400);
    expect(sample.claimP95Ms).toBeLessThan(5000);
  });

  it("a minute without claims has no latency, not zero", async () => {
    const now = new Date("2026-12-02T00:00:10Z");
    await recordPoolSample({ now, retentionDays: 7 });
    const [sample] = await poolSamplesSince(minuteOf(now));
    expect(sample).toMatchObject({ claims: 0, claimP50Ms: null, claimP95Ms: null, answers: 0 });
  });

  it("the writer of a minute prunes samples older than the retention; the others don't", async () => {
    const { db } = database();
    const now = new Date("2026-12-20T12:00:00Z");
    await db.poolSample.deleteMany();
    await db.poolSample.createMany({
      data: [8 * DAY, 7 * DAY + MINUTE, 6 * DAY].map((ago) => ({
        minute: new Date(now.getTime() - ago),
        idle: 0,
        claimed: 0,
        live: 0,
        claims: 0,
        answers: 0,
      })),
    });
    const first = await recordPoolSample({ now, retentionDays: 7 });
    expect(first).toEqual({ recorded: true, pruned: 2 });
    const kept = await poolSamplesSince(new Date(now.getTime() - 30 * DAY));
    expect(kept.map((r) => r.minute.getTime())).toEqual([now.getTime() - 6 * DAY, now.getTime()]);

    // A sample older than the retention left by a late sampler is pruned by the next minute's writer only.
    await db.poolSample.create({
      data: {
        minute: new Date(now.getTime() - 9 * DAY),
        idle: 0,
        claimed: 0,
        live: 0,
        claims: 0,
        answers: 0,
      },
    });
    expect(await recordPoolSample({ now, retentionDays: 7 })).toEqual({ recorded: false, pruned: 0 });
    expect(await recordPoolSample({ now: new Date(now.getTime() + MINUTE), retentionDays: 7 })).toEqual({
      recorded: true,
      pruned: 1,
    });
  });
});
