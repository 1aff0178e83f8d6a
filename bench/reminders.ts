/**
 * `npx tsx bench/reminders.ts [pending=10000] [due=1000] [identities=100]`: the
 * scheduler of ONE worker (workers/agents/schedules/firing-loop.ts, real PostgreSQL,
 * embedded) with `pending` schedules over `identities` conversations, of which
 * `due` fall due at random within one minute (the rest days ahead). Each run
 * goes through the real send path (claim the firing, send, record it; the
 * runtime's queue per conversation), with the XMTP send replaced by a
 * recorder: this measures the scheduler and its database work, not the network
 * (bench/agents.ts measures sending).
 * Printed: firing lag (due time → send) p50/p95/max, and database time per
 * firing two ways: the server's (pg_stat_database.active_time: time spent
 * executing statements) and the client's (every query's duration summed,
 * which also counts waiting for a pooled connection while conversations send
 * in parallel), both over the whole run of ticks divided by the firings.
 */
import pino from "pino";
import { PrismaPg } from "@prisma/adapter-pg";
import { benchDatabase, percentile } from "./setup.ts";
import { setTimeout as sleep } from "node:timers/promises";

const [pending, due, identities] = [
  Number(process.argv[2] ?? 10_000),
  Number(process.argv[3] ?? 1_000),
  Number(process.argv[4] ?? 100),
];
const database = await benchDatabase();
const { PrismaClient } = await import("@/lib/generated/prisma/client.ts");

// The one client of the process, timed: every query's duration is added up.
let dbMs = 0;
const timed = new PrismaClient({
  adapter: new PrismaPg({ connectionString: database.url, max: 10 }),
}).$extends({
  query: {
    async $allOperations({ args, query }) {
      const t0 = performance.now();
      try {
        return await query(args);
      } finally {
        dbMs += performance.now() - t0;
      }
    },
  },
});
(globalThis as unknown as { prisma: unknown }).prisma = timed;

const { db } = await import("@/lib/db.ts");
const { startScheduler } = await import("@/workers/agents/schedules/firing-loop.ts");
const { sendFiring } = await import("@/workers/agents/schedules/send-firing.ts");
type AgentRuntime = import("@/workers/agents/runtime/contracts.ts").AgentRuntime;
type AnswerContext = import("@/workers/agents/answer/answer-context.ts").AnswerContext;

const log = pino({ level: "warn" });
// One agent per conversation, as launches make them (the send path counts traffic on the agent's row).
const agentIds: string[] = [];
for (let i = 0; i < identities; i++)
  agentIds.push((await db.agent.create({ data: { name: `Bench ${i}`, instructions: "" } })).id);
const ids = agentIds.map((_, i) => `bench-identity-${i}`);
const start = Date.now() + 5_000;
const dueAt = new Map<string, number>();
const rows = Array.from({ length: pending }, (_, i) => {
  const at = i < due ? start + Math.random() * 60_000 : start + 86_400_000 * (1 + Math.random() * 30);
  return {
    agentId: agentIds[i % identities],
    identityId: ids[i % identities],
    timeZone: "UTC",
    text: `r${i}`,
    nextRunAt: new Date(at),
  };
});
for (let i = 0; i < rows.length; i += 2_000) await db.schedule.createMany({ data: rows.slice(i, i + 2_000) });
for (const r of rows.slice(0, due)) dueAt.set(r.text, r.nextRunAt.getTime());

const lags: number[] = [];
let finished: () => void;
const allSent = new Promise<void>((r) => (finished = r));
const running = new Map<string, AgentRuntime>();
for (const [i, id] of ids.entries()) {
  let tail: Promise<unknown> = Promise.resolve();
  const ctx = {
    agentId: agentIds[i],
    identity: { id, isOwnerConversation: true },
    log,
    signal: new AbortController().signal,
    closed: () => false,
    group: {
      sendText: async (text: string) => {
        const key = text.replace(/^⏰ (\(late[^)]*\) )?/, "");
        lags.push(Date.now() - (dueAt.get(key) ?? NaN));
        if (lags.length === due) finished();
      },
    },
  } as unknown as AnswerContext;
  running.set(id, {
    identityId: id,
    agentId: agentIds[i],
    windDown: async () => "gone" as const,
    profile: { renew: async () => undefined },
    withConversation: () => Promise.reject(new Error("the benchmark's runtimes have no conversation")),
    post: async () => false,
    fire: (f) => {
      const run = tail.then(() => sendFiring(ctx, f));
      tail = run.catch(() => undefined);
      return run;
    },
    close: async () => undefined,
  });
}

const activeMs = async () => {
  await sleep(1_500); // backends flush their statistics about once a second
  const [row] = await db.$queryRaw<{ ms: number }[]>`
    SELECT active_time AS ms FROM pg_stat_database WHERE datname = current_database()`;
  return Number(row.ms);
};
const active0 = await activeMs();
dbMs = 0;
const scheduler = startScheduler({
  running,
  clock: () => new Date(),
  tickMs: 1_000,
  graceMs: 3_600_000,
  log,
});
console.log(
  `${pending} schedules over ${identities} conversations; ${due} due within one minute from ${new Date(start).toISOString()}`,
);
await allSent;
await scheduler.close();
while ((await db.scheduleFiring.count({ where: { status: { in: ["pending", "sending"] } } })) > 0)
  await sleep(100);
const clientMs = dbMs;
const serverMs = (await activeMs()) - active0;
lags.sort((a, b) => a - b);
console.log(
  `firing lag: p50 ${percentile(lags, 50)} ms, p95 ${percentile(lags, 95)} ms, max ${lags.at(-1)} ms (${lags.length} runs)`,
);
console.log(
  `database time per firing: ${(serverMs / due).toFixed(2)} ms executing on the server, ${(clientMs / due).toFixed(1)} ms of query time seen by the client (${Math.round(serverMs)} / ${Math.round(clientMs)} ms in all)`,
);
await db.$disconnect();
await database.stop();
