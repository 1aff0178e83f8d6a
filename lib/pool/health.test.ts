import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { claimLatency, identityCounts, recentFailures, workersHealth } from "./health";
import { recordClaim, recordFailure } from "@/lib/events/mutations";

const database = withTestDatabase();

describe("pool health", () => {
  it("counts identities per status, zero for the empty ones", async () => {
    await database().db.identity.createMany({
      data: [{ status: "idle" }, { status: "idle" }, { status: "failed" }],
    });
    const counts = await identityCounts();
    expect(counts).toMatchObject({ idle: 2, failed: 1, live: 0, provisioning: 0 });
  });

  it("reports heartbeat age, leases and distinct agents per worker", async () => {
    const now = new Date();
    await database().db.worker.create({
      data: { id: "w1", host: "h", pid: 1, heartbeatAt: new Date(now.getTime() - 5000) },
    });
    const agent = await database().db.agent.create({ data: { name: "a", instructions: "i" } });
    await database().db.identity.createMany({
      data: [
        { status: "live", leaseOwner: "w1", agentId: agent.id },
        { status: "live", leaseOwner: "w1", agentId: agent.id },
        { status: "provisioning", leaseOwner: "w1" },
      ],
    });
    const [w] = await workersHealth(now);
    expect(w).toMatchObject({ id: "w1", heartbeatAgeMs: 5000, leases: 3, agents: 1, stopped: false });
  });

  it("gives claim latency percentiles over the window only", async () => {
    for (const latencyMs of [10, 20, 30, 40, 1000]) {
      const agent = await database().db.agent.create({ data: { name: "a", instructions: "i" } });
      await recordClaim({ agentId: agent.id, latencyMs });
    }
    const old = await database().db.agent.create({ data: { name: "old", instructions: "i" } });
    await database().db.event.create({
      data: {
        kind: "claim",
        agentId: old.id,
        latencyMs: 99999,
        createdAt: new Date(Date.now() - 2 * 3600_000),
      },
    });
    const hour = await claimLatency(3600_000);
    expect(hour.count).toBe(5);
    expect(hour.p50).toBe(30);
    expect(hour.p95).toBeGreaterThan(40);
    expect(hour.p95).toBeLessThan(1000);
    expect((await claimLatency(86_400_000)).count).toBe(6);
  });

  it("lists recent failures newest first with their errors", async () => {
    await recordFailure({ error: "first" });
    await recordFailure({ error: "second" });
    const failures = await recentFailures(10);
    expect(failures.map((f) => f.error)).toEqual(["second", "first"]);
  });
});
