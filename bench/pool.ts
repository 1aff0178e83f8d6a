/**
 * `npx tsx bench/pool.ts [100,500] [creates=4]`: one in-process worker on loopback (embedded
 * PostgreSQL, and a local XMTP node of its own on an ephemeral port, so other
 * runs using 5556 neither disturb nor are disturbed).
 *
 *   1. warm identities created per second (`creates` at once: the pool's
 *      maxConcurrentCreates, 4 by default) while the pool fills to each step's size;
 *   2. every warm identity is claimed and taken over; once all are live, the
 *      process RSS, and the memory per live identity over the baseline.
 */
import pino from "pino";
import { benchWorkerEnv } from "./setup.ts";
import { setTimeout as sleep } from "node:timers/promises";

const steps = (process.argv[2] ?? "100,500").split(",").map(Number);
const creates = Number(process.argv[3] ?? 4);
// Room for every identity in the one worker, whatever the default cap (WORKER_MAX_AGENTS).
process.env.WORKER_MAX_AGENTS = String(Math.max(...steps, Number(process.env.WORKER_MAX_AGENTS ?? 0)));
const benchEnv = await benchWorkerEnv("bench-pool-");
const { db } = await import("@/lib/db.ts");
const { claimWarmIdentity } = await import("@/lib/agents/claim-warm-identity.ts");
const { startWorker } = await import("@/workers/agents/worker/worker.ts");
const { parseConfig } = await import("@/lib/config.ts");

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
await db.poolSetting.create({ data: { id: 1, targetIdle: 0, maxConcurrentCreates: creates } });
console.log(`${creates} warm identities created at once`);
const worker = await startWorker({
  settings: parseConfig(process.env),
  logger: pino({ level: "warn" }),
  pollMs: 500,
  fillIntervalMs: 200,
  joinTimeoutMs: 30_000,
});
global.gc?.();
await sleep(500);
const baseline = process.memoryUsage().rss;
console.log(`worker RSS with 0 live identities: ${mb(baseline)}`);

let live = 0;
for (const total of steps) {
  const add = total - live;
  const t0 = performance.now();
  await db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: add } });
  while ((await db.identity.count({ where: { status: "idle" } })) < add) await sleep(100);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `created ${add} warm identities in ${seconds.toFixed(1)} s: ${(add / seconds).toFixed(2)} identities/s per worker`,
  );
  await db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: 0 } });
  for (let i = 0; i < add; i++)
    await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: `Agent ${live + i}`,
      instructions: "Bench.",
    });
  const t1 = performance.now();
  while (worker.running().length < total) await sleep(200);
  live = total;
  await sleep(2_000);
  global.gc?.();
  const rss = process.memoryUsage().rss;
  console.log(
    `${total} live identities: handoffs took ${((performance.now() - t1) / 1000 - 2).toFixed(1)} s; worker RSS ${mb(rss)}, ` +
      `${mb((rss - baseline) / total)} per live identity`,
  );
}
await worker.close();
await db.$disconnect();
await benchEnv.stop();
process.exit(0);
