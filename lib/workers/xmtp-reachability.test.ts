/**
 * The XMTP reachability the workers report, as /api/health, /admin and a claim read it, on a real
 * PostgreSQL: one worker that still gets through keeps the network "reachable", every worker up failing
 * in a row makes it "unreachable", and a claim on an empty pool then says so instead of "refilling".
 */
import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { claimAgent } from "@/lib/agents/claim";
import { registerWorker } from "./worker-status";
import {
  isXmtpNetworkError,
  recordXmtpReached,
  recordXmtpUnreachable,
  XMTP_UNREACHABLE_AFTER,
  XMTP_WINDOW_MS,
  xmtpReachability,
} from "./xmtp-reachability";

const database = withTestDatabase();

/** What node-sdk 6.x throws when nothing listens on the XMTP endpoint's port. */
const REFUSED =
  'Error: [ApiError::Api] api client error api client at endpoint "/xmtp.identity.api.v1.IdentityApi/GetInboxIds" ' +
  "has error code: 'The service is currently unavailable', message: \"tcp connect error\"";

beforeEach(async () => {
  const { db } = database();
  await db.event.deleteMany();
  await db.identity.deleteMany();
  await db.worker.deleteMany();
});

const worker = (workerId: string) => registerWorker({ workerId, homeKey: "h", maxAgents: 5, rssBytes: 1n });

async function failTimes(workerId: string, n: number) {
  for (let i = 0; i < n; i++) await recordXmtpUnreachable(workerId, REFUSED);
}

describe("XMTP reachability", () => {
  it("is unknown with no worker up, and while no worker has tried", async () => {
    expect(await xmtpReachability()).toEqual({ state: "unknown", error: null });
    await worker("w1");
    expect((await xmtpReachability()).state).toBe("unknown");
  });

  it("is unreachable once every worker up failed in a row, and reachable again after one success", async () => {
    await worker("w1");
    await worker("w2");
    await failTimes("w1", XMTP_UNREACHABLE_AFTER);
    await failTimes("w2", XMTP_UNREACHABLE_AFTER - 1);
    expect((await xmtpReachability()).state).toBe("reachable");
    await failTimes("w2", 1);
    expect(await xmtpReachability()).toEqual({ state: "unreachable", error: REFUSED });
    await recordXmtpReached("w2");
    expect((await xmtpReachability()).state).toBe("reachable");
  });

  it("is unreachable when the only other worker up has nothing recent to say", async () => {
    await worker("w1");
    await worker("w2");
    await failTimes("w1", XMTP_UNREACHABLE_AFTER);
    expect((await xmtpReachability()).state).toBe("unreachable"); // w2 never tried
    const old = new Date(Date.now() - XMTP_WINDOW_MS - 60_000);
    await database().db.worker.update({ where: { id: "w2" }, data: { xmtpOkAt: old } });
    expect((await xmtpReachability()).state).toBe("unreachable"); // w2's success is too old to count
    await recordXmtpReached("w2");
    expect((await xmtpReachability()).state).toBe("reachable");
  });

  it("ignores a stopped worker's failures", async () => {
    await worker("w1");
    await failTimes("w1", XMTP_UNREACHABLE_AFTER);
    await database().db.worker.update({ where: { id: "w1" }, data: { stoppedAt: new Date() } });
    expect((await xmtpReachability()).state).toBe("unknown");
  });

  it("counts only network errors", () => {
    expect(isXmtpNetworkError(new Error(REFUSED))).toBe(true);
    expect(isXmtpNetworkError(new Error("connect ECONNREFUSED 127.0.0.1:5556"))).toBe(true);
    expect(isXmtpNetworkError(new TypeError("Cannot read properties of undefined"))).toBe(false);
  });
});

describe("a claim on an empty pool", () => {
  it("says the pool is refilling while XMTP answers", async () => {
    await worker("w1");
    await recordXmtpReached("w1");
    await expect(claimAgent({ ownerId: null })).rejects.toMatchObject({ code: "pool_empty", status: 503 });
  });

  it("says the XMTP network is unreachable when no worker reaches it", async () => {
    await worker("w1");
    await failTimes("w1", XMTP_UNREACHABLE_AFTER);
    await expect(claimAgent({ ownerId: null })).rejects.toMatchObject({
      code: "xmtp_unreachable",
      status: 503,
      message: expect.stringContaining("the XMTP network is unreachable"),
    });
  });
});
