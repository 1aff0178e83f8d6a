/** Test helpers for the worker: a database, DATA_DIR and MASTER_KEY per test file, and readers of a group. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Group } from "@xmtp/node-sdk";
import pino from "pino";
import { createTestDatabase, type TestDatabase } from "@/test/db";

export interface WorkerTestEnv {
  t: TestDatabase;
  dataDir: string;
  cleanup(): Promise<void>;
}

export const TEST_MASTER_KEY = "test-master-key-0123456789abcdefghijklmnop";
export const quietLog = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

/** Fast loops so a test sees handoffs and lease expiries in a few seconds. */
export const fastOptions = {
  leaseMs: 3_000,
  heartbeatMs: 500,
  pollMs: 500,
  fillIntervalMs: 300,
  sweepMs: 1_000,
  graceMs: 3_000,
  joinTimeoutMs: 30_000,
  logger: quietLog,
};

export async function workerTestEnv(targetIdle: number): Promise<WorkerTestEnv> {
  const t = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "agents-worker-"));
  process.env.DATA_DIR = dataDir;
  process.env.MASTER_KEY = TEST_MASTER_KEY;
  await t.db.poolSetting.create({ data: { id: 1, targetIdle, maxConcurrentCreates: 2 } });
  return {
    t,
    dataDir,
    async cleanup() {
      const { db } = await import("@/lib/db");
      await db.$disconnect();
      await t.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The text messages of a group, oldest first, after a sync. */
export async function texts(group: Group<unknown>): Promise<{ sender: string; text: string }[]> {
  await group.sync();
  return (await group.messages())
    .filter((m) => typeof m.content === "string")
    .map((m) => ({ sender: m.senderInboxId, text: m.content as string }));
}
