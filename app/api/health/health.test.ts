/**
 * /api/health against a real PostgreSQL, a dead port and a server that accepts
 * connections but never answers (a wedged database or a black-holed network):
 * 200 when the database answers, 503 within 2 s otherwise; and the statement
 * timeout cancels a query that runs too long. And "degraded" (still 200) when every worker up reports that the
 * XMTP network is unreachable (what the worker writes: workers/agents/pool/warm-pool.test.ts).
 */
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { withTestDatabase } from "@/test/db";
import { registerWorker } from "@/lib/workers/worker-status";
import {
  recordXmtpReached,
  recordXmtpUnreachable,
  XMTP_UNREACHABLE_AFTER,
} from "@/lib/workers/xmtp-reachability";
import { GET } from "./route";

const database = withTestDatabase();
const timeouts = { connectTimeoutMs: 5_000, statementTimeoutMs: 15_000, poolSize: 2 };
const shared = globalThis as unknown as { prisma?: PrismaClient };
let silent: net.Server;
const held: net.Socket[] = [];

beforeAll(async () => {
  silent = net.createServer((socket) => void held.push(socket)); // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
});

/** Points the shared client at `url` for one check, then puts the test database's client back. */
async function healthAt(url: string) {
  const own = shared.prisma;
  const client = createPrismaClient(url, timeouts);
  shared.prisma = client;
  try {
    const started = performance.now();
    const response = await GET();
    return { status: response.status, body: await response.json(), ms: performance.now() - started };
  } finally {
    shared.prisma = own;
    void client.$disconnect().catch(() => undefined);
  }
}

describe("/api/health", () => {
  it("answers 200 with the worker count when PostgreSQL answers", async () => {
    const health = await healthAt(database().url);
    expect(health).toMatchObject({ status: 200, body: { ok: true, database: "up", workers: 0 } });
  });

  it("says degraded, still with 200, when every worker up fails to reach XMTP; ok once one gets through", async () => {
    await registerWorker({ workerId: "health-w", homeKey: "h", maxAgents: 5, rssBytes: 1n });
    try {
      for (let i = 0; i < XMTP_UNREACHABLE_AFTER; i++)
        await recordXmtpUnreachable("health-w", "Error: tcp connect error: Connection refused");
      const down = await healthAt(database().url);
      expect(down).toMatchObject({
        status: 200,
        body: {
          ok: false,
          status: "degraded",
          database: "up",
          workers: 1,
          xmtp: "unreachable",
          error: "the XMTP network is unreachable",
        },
      });
      expect(JSON.stringify(down.body)).not.toContain("Connection refused"); // the raw error is /admin's
      await recordXmtpReached("health-w");
      const up = await healthAt(database().url);
      expect(up).toMatchObject({ status: 200, body: { ok: true, xmtp: "reachable", workers: 1 } });
    } finally {
      await database().db.worker.deleteMany();
    }
  });

  it("answers 503 within 2 s when nothing listens on the database's port", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const health = await healthAt(`postgresql://u:p@127.0.0.1:${port}/none`);
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ ok: false, database: "down" });
    expect(health.ms).toBeLessThan(2_000);
  });

  it("answers 503 within 2 s when the database accepts connections but never answers", async () => {
    const { port } = silent.address() as AddressInfo;
    const health = await healthAt(`postgresql://u:p@127.0.0.1:${port}/wedged`);
    expect(health.status).toBe(503);
    expect(health.ms).toBeLessThan(2_000);
  });
});

describe("database timeouts", () => {
  it("a statement running past the statement timeout is cancelled", async () => {
    const client = createPrismaClient(database().url, { ...timeouts, statementTimeoutMs: 300 });
    try {
      const started = performance.now();
      await expect(client.$queryRaw`SELECT pg_sleep(5)`).rejects.toThrow(/statement timeout|canceling/i);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(await client.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      await client.$disconnect();
    }
  });

  it("opening a connection to a server that never answers gives up after the connect timeout", async () => {
    const { port } = silent.address() as AddressInfo;
    const client = createPrismaClient(`postgresql://u:p@127.0.0.1:${port}/wedged`, {
      ...timeouts,
      connectTimeoutMs: 500,
    });
    try {
      const started = performance.now();
      await expect(client.$queryRaw`SELECT 1`).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await client.$disconnect().catch(() => undefined);
    }
  });
});
