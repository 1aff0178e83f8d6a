/**
 * The warm pool with the XMTP endpoint pointed at a closed port (the local environment aimed where nothing
 * listens): every attempt fails, the worker's row says so, and /api/health's and a claim's reader then say
 * "the XMTP network is unreachable"; failed identities wait with backoff and never pile up: one failing
 * for the last time is deleted with its row (as is one an earlier run left), and no database file is left.
 */
import fs from "node:fs";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimAgent } from "@/lib/agents/claim";
import { MAX_PROVISIONING_ATTEMPTS } from "@/lib/identities/identity-status";
import { updatePoolSettings } from "@/lib/pool/settings";
import { deriveSealingKey } from "@/lib/secrets";
import { registerWorker } from "@/lib/workers/worker-status";
import { xmtpReachability } from "@/lib/workers/xmtp-reachability";
import { pointLocalEnvAt, XMTP_DB_SUBDIR } from "@/lib/xmtp";
import { withTestDatabase } from "@/test/db";
import { tempDir } from "@/test/temp-dir";
import { waitFor } from "@/test/wait-for";
import { WorkerEvents } from "@/workers/agents/worker/events";
import { InFlight } from "@/workers/agents/worker/timers";
import { identityClients } from "./identity-client";
import { startPoolFiller } from "./warm-pool";

const database = withTestDatabase();
const tmp = tempDir("warm-pool-");
const key = deriveSealingKey("warm-pool-test-master-key-0123456789");

beforeAll(async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  pointLocalEnvAt(`http://127.0.0.1:${port}`); // this file's process only: nothing listens there
});
afterAll(() => tmp.remove());

describe("the warm pool with XMTP unreachable", () => {
  it("reports the network unreachable and keeps failed identities bounded", async () => {
    const { db } = database();
    await updatePoolSettings({ targetIdle: 2 });
    await registerWorker({ workerId: "w", homeKey: "h", maxAgents: 5, rssBytes: 1n });
    const last = await db.identity.create({
      data: {
        status: "failed",
        role: "creator",
        attempts: MAX_PROVISIONING_ATTEMPTS - 1,
        nextAttemptAt: new Date(),
      },
    });
    const earlier = await db.identity.create({ data: { status: "retired", role: "creator", attempts: 8 } });
    const inFlight = new InFlight();
    let failures = 0;
    const events = new WorkerEvents().on("pool:failed", () => failures++);
    const filler = startPoolFiller({
      workerId: "w",
      leaseMs: 30_000,
      intervalMs: 50,
      identities: identityClients(key, { env: "local", dataDir: tmp.dir }),
      events,
      log: pino({ level: "silent" }),
      inFlight,
      maxConcurrentCreates: 2,
      homeKey: "h",
      backoff: { baseMs: 20, capMs: 100 },
    });
    try {
      await waitFor("the XMTP network reported unreachable", async () => {
        return (await xmtpReachability()).state === "unreachable";
      });
      await expect(claimAgent({ ownerId: null })).rejects.toMatchObject({
        code: "xmtp_unreachable",
        status: 503,
        message: expect.stringContaining("the XMTP network is unreachable"),
      });
      await waitFor("the identity failing its last attempt deleted", async () => {
        return (await db.identity.count({ where: { id: last.id } })) === 0;
      });
      expect(failures).toBeGreaterThanOrEqual(3);
    } finally {
      await filler.close();
      await inFlight.drain(10_000);
    }
    expect(await db.identity.count({ where: { status: "retired" } })).toBe(0); // `earlier` too
    expect(await db.identity.count({ where: { id: earlier.id } })).toBe(0);
    expect(await db.identity.count()).toBeLessThanOrEqual(2);
    const files = path.join(tmp.dir, XMTP_DB_SUBDIR);
    expect(fs.existsSync(files) ? fs.readdirSync(files) : []).toEqual([]);
  });
});
