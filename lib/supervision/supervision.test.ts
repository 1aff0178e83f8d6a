/** Restarts as the run command records them and as /api/health, /admin and the metrics read them. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { recordGaveUp, recordRestart, releaseDeadWorker } from "./mutations";
import { restartCounts, supervisionHealth, workerState } from "./queries";
import { setTimeout as sleep } from "node:timers/promises";

const database = withTestDatabase();
const ago = (ms: number) => new Date(Date.now() - ms);

describe("supervision", () => {
  it("counts restarts per part, over a window or in all", async () => {
    await recordRestart({ part: "worker", exit: "SIGKILL", attempt: 1, delayMs: 1000, workerId: "w1" });
    await recordRestart({ part: "worker", exit: "code 1", attempt: 2, delayMs: 2000 });
    await recordRestart({ part: "xmtp-node", exit: "SIGKILL", attempt: 1, delayMs: 1000 });
    await database().db.event.create({
      data: { kind: "restart", data: { part: "worker" }, createdAt: ago(2 * 86_400_000) },
    });
    expect(await restartCounts()).toEqual({ worker: 3, "xmtp-node": 1 });
    expect((await supervisionHealth(1)).restartsLastDay).toEqual({ worker: 2, "xmtp-node": 1 });
    const event = await database().db.event.findFirstOrThrow({ where: { kind: "restart", workerId: "w1" } });
    expect(event.data).toEqual({ part: "worker", exit: "SIGKILL", attempt: 1, delayMs: 1000 });
  });

  it("says the worker is up, restarting (a restart since the last heartbeat) or down", async () => {
    await database().db.event.deleteMany(); // the previous test's restarts
    expect(await workerState(0)).toBe("down");
    await database().db.worker.create({ data: { id: "dead", host: "h", pid: 1, heartbeatAt: ago(10_000) } });
    expect(await workerState(0)).toBe("down");
    await recordRestart({ part: "worker", exit: "SIGKILL", attempt: 1, delayMs: 1000, workerId: "dead" });
    expect(await workerState(0)).toBe("restarting");
    expect(await workerState(1)).toBe("up");
    await sleep(5);
    await database().db.worker.create({ data: { id: "back", host: "h", pid: 2, heartbeatAt: new Date() } });
    expect(await workerState(0)).toBe("down"); // it heartbeated after the restart, then went quiet
  });

  it("hands a dead worker's leases back at once and marks it stopped, touching no other worker's", async () => {
    const { db } = database();
    await db.worker.createMany({
      data: [
        { id: "crashed", host: "h", pid: 1 },
        { id: "alive", host: "h", pid: 2 },
      ],
    });
    const lease = { leaseExpiresAt: new Date(Date.now() + 30_000) };
    const live = await db.identity.create({ data: { status: "live", leaseOwner: "crashed", ...lease } });
    const making = await db.identity.create({
      data: { status: "provisioning", leaseOwner: "crashed", ...lease },
    });
    const other = await db.identity.create({ data: { status: "live", leaseOwner: "alive", ...lease } });

    expect(await releaseDeadWorker("crashed")).toBe(1);
    expect(await db.identity.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({
      leaseOwner: null,
      status: "live",
    });
    expect(await db.identity.findUniqueOrThrow({ where: { id: making.id } })).toMatchObject({
      leaseOwner: null,
      status: "failed", // a half-made identity is retried from a fresh key
    });
    expect((await db.identity.findUniqueOrThrow({ where: { id: other.id } })).leaseOwner).toBe("alive");
    expect((await db.worker.findUniqueOrThrow({ where: { id: "crashed" } })).stoppedAt).not.toBeNull();
    expect((await db.worker.findUniqueOrThrow({ where: { id: "alive" } })).stoppedAt).toBeNull();
  });

  it("records giving up on a part as a failure the admin page lists", async () => {
    await recordGaveUp("worker", "code 1", 5);
    const failure = await database().db.event.findFirstOrThrow({ where: { kind: "failure" } });
    expect(failure.error).toMatch(/worker kept crashing at start-up \(5 restarts, last exit: code 1\)/);
  });
});
