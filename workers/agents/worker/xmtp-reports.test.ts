/**
 * Live traffic's reports of the XMTP network, on a real PostgreSQL: agents failing on network errors make
 * the worker's row say "unreachable", an answer sent makes it "reachable" again, and an error of our own
 * code says nothing about the network.
 */
import pino from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { registerWorker } from "@/lib/workers/worker-status";
import { XMTP_UNREACHABLE_AFTER, xmtpReachability } from "@/lib/workers/xmtp-reachability";
import { withTestDatabase } from "@/test/db";
import { WorkerEvents } from "./events";
import { reportXmtpReachability } from "./xmtp-reports";

const database = withTestDatabase();
const REFUSED =
  "Error: [ApiError::Api] api client error: 'The service is currently unavailable', tcp connect error";

beforeEach(async () => {
  await database().db.worker.deleteMany();
  await registerWorker({ workerId: "w", homeKey: "h", maxAgents: 5, rssBytes: 1n });
});

const failures = async () =>
  (await database().db.worker.findUniqueOrThrow({ where: { id: "w" } })).xmtpFailures;

describe("live traffic's XMTP reports", () => {
  it("agents failing on network errors make it unreachable; one answer sent makes it reachable", async () => {
    const events = new WorkerEvents();
    const reports = reportXmtpReachability(events, "w", pino({ level: "silent" }));
    const agent = { agentId: "a", identityId: "i" };
    events.emit("agent:failed", { ...agent, error: "TypeError: x is not a function" });
    for (let i = 0; i < XMTP_UNREACHABLE_AFTER - 1; i++)
      events.emit("agent:failed", { ...agent, error: REFUSED });
    events.emit("agent:join_failed", { ...agent, reason: REFUSED });
    await reports.flush();
    expect(await failures()).toBe(XMTP_UNREACHABLE_AFTER); // the TypeError is not the network's
    expect((await xmtpReachability()).state).toBe("unreachable");
    events.emit("agent:answered", { ...agent, messageId: "m", durationMs: 5 });
    await reports.flush();
    expect(await xmtpReachability()).toEqual({ state: "reachable", error: null });
    expect(await failures()).toBe(0);
  });
});
