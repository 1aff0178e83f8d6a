import pino from "pino";
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { waitFor } from "@/test/wait-for";
import { workersHealth } from "@/lib/pool/health";
import { startRegistry } from "./registry";

const database = withTestDatabase();

describe("the registry's heartbeat and the worker load", () => {
  it("shows each running worker's agents, memory from its heartbeat, and heartbeat age", async () => {
    const { db } = database();
    const registry = await startRegistry({
      workerId: "w-live",
      leaseMs: 30_000,
      heartbeatMs: 50,
      sweepMs: 60_000,
      log: pino({ level: "silent" }),
      onRenewed: () => {},
      homeKey: "home",
      maxAgents: 500,
      liveAgents: () => 0,
      onDraining: () => {},
    });
    try {
      await db.worker.create({ data: { id: "w-gone", host: "h", pid: 2, stoppedAt: new Date() } });
      const a = await db.agent.create({ data: { name: "a", instructions: "i" } });
      const b = await db.agent.create({ data: { name: "b", instructions: "i" } });
      // Agent a has two conversations (two identities) on this worker: one agent.
      await db.identity.createMany({
        data: [
          { status: "live", agentId: a.id, leaseOwner: "w-live" },
          { status: "live", agentId: a.id, leaseOwner: "w-live" },
          { status: "live", agentId: b.id, leaseOwner: "w-live" },
          { status: "provisioning", leaseOwner: "w-live" },
        ],
      });
      await db.worker.update({ where: { id: "w-live" }, data: { rssBytes: null } });
      // The next heartbeat records the memory again.
      const load = await waitFor("the heartbeat to record memory", async () => {
        const rows = await workersHealth();
        return rows.find((w) => w.id === "w-live")?.rssBytes ? rows : undefined;
      });
      expect(load.map((w) => [w.id, w.stopped])).toEqual([
        ["w-live", false],
        ["w-gone", true],
      ]);
      expect(load[0]).toMatchObject({ agents: 2, leases: 4 });
      expect(load[0].rssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(load[0].heartbeatAgeMs).toBeLessThan(5_000);
    } finally {
      await registry.close();
    }
  });
});
