/**
 * `npx tsx bench/claim.ts http [N]`: end-to-end latency of the launch server
 * action over HTTP, as a signed-in browser would call it, against a running
 * server (`npm run dev`, or `npm run build && npm start`). Each call: POST
 * /a/<slug> with the Next-Action header and a session cookie, until the
 * action's answer (with the invite) is read. It runs N calls in each of two
 * phases, waiting between calls outside the timing:
 *   busy:  until the pool has an idle identity: each launch lands while the
 *          worker hands the previous agent over and makes its replacement
 *          (on one machine, they share the CPU), the realistic case under load;
 *   quiet: until the pool is back at its target with nothing provisioning,
 *          the action alone.
 * Three launches first, not counted, load the action's code into a freshly
 * started server (its first requests compile and load modules): the figures
 * are the steady state. A fresh bench user every 10 claims keeps the per-user limits (PoolSetting)
 * out of the way. The bench users' agents are stopped at the end.
 *
 * Environment: BENCH_URL (default http://localhost:3000), DATABASE_URL and
 * AUTH_SECRET of that server (defaults: the embedded database on 54329 and
 * DATA_DIR/dev-secrets.json), BENCH_TEMPLATE (default trip-planner).
 */
import fs from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { readEmbeddedPassword } from "@/scripts/embedded-password.ts";
import { percentile } from "./setup.ts";
import { setTimeout as sleep } from "node:timers/promises";

const N = Number(process.argv[3] ?? 50);
const base = (process.env.BENCH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
const slug = process.env.BENCH_TEMPLATE ?? "trip-planner";
const dataDir = process.env.DATA_DIR ?? ".data";
// The embedded database's password is random, kept beside its folder (scripts/embedded-password.ts).
const embeddedPassword = readEmbeddedPassword(path.join(dataDir, "postgres")) ?? "";
process.env.DATABASE_URL ||= `postgresql://postgres:${embeddedPassword}@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? 54329}/convos`;
const secret =
  process.env.AUTH_SECRET ??
  (JSON.parse(fs.readFileSync(path.join(dataDir, "dev-secrets.json"), "utf8")) as { AUTH_SECRET: string })
    .AUTH_SECRET;

const { db } = await import("@/lib/db.ts");

/** The launch action's id from the build's server-reference manifest. */
function launchActionId(): string {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName?: string; filename?: string }>;
  };
  const entry = Object.entries(manifest.node).find(
    ([, v]) => v.exportedName === "launch" && v.filename?.includes("a/[slug]/actions"),
  );
  if (!entry)
    throw new Error("the launch action is not in .next/server/server-reference-manifest.json: build first");
  return entry[0];
}

const COOKIE = "authjs.session-token";
async function sessionCookie(userId: string, email: string): Promise<string> {
  const token = await encode({ token: { sub: userId, email }, secret, salt: COOKIE, maxAge: 3600 });
  return `${COOKIE}=${token}`;
}

type Phase = "busy" | "quiet";

async function waitForPool(phase: Phase, targetIdle: number): Promise<void> {
  for (;;) {
    const counts = (await (await fetch(`${base}/api/pool/counts`)).json()) as {
      idle: number;
      provisioning: number;
    };
    if (phase === "busy" ? counts.idle >= 1 : counts.idle >= targetIdle && counts.provisioning === 0) return;
    await sleep(200);
  }
}

const actionId = launchActionId();
const { getPoolSettings } = await import("@/lib/pool/settings.ts");
const { stopAgent } = await import("@/lib/agents/mutations.ts");
const { targetIdle } = await getPoolSettings();
const run = Date.now().toString(36);
const userIds: string[] = [];

/** One launch over HTTP with the user's session cookie; its latency, or null when it failed. */
async function launchOnce(cookie: string): Promise<number | null> {
  const t0 = performance.now();
  const response = await fetch(`${base}/a/${slug}`, {
    method: "POST",
    headers: {
      "next-action": actionId,
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
      cookie,
    },
    body: JSON.stringify([slug]),
  });
  const body = await response.text();
  const ms = performance.now() - t0;
  if (response.ok && body.includes('"ok":true') && body.includes("inviteUrl")) return ms;
  console.error(`launch failed: HTTP ${response.status}: ${body.slice(0, 300)}`);
  return null;
}

async function runPhase(phase: Phase | "warm-up", calls: number) {
  const latencies: number[] = [];
  let failures = 0;
  let cookie = "";
  for (let i = 0; i < calls; i++) {
    if (i % 10 === 0) {
      const email = `bench-${run}-${phase}-${i}@bench.test`;
      const user = await db.user.create({ data: { email } });
      userIds.push(user.id);
      cookie = await sessionCookie(user.id, email);
    }
    await waitForPool(phase === "quiet" ? "quiet" : "busy", targetIdle);
    const ms = await launchOnce(cookie);
    if (ms === null) failures++;
    else latencies.push(ms);
  }
  if (phase === "warm-up") return;
  latencies.sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  const figures = latencies.length
    ? `p50 ${f(percentile(latencies, 50))}  p95 ${f(percentile(latencies, 95))}  p99 ${f(percentile(latencies, 99))}  max ${f(latencies[latencies.length - 1])}`
    : "no successful call";
  console.log(`${phase.padEnd(5)} ${latencies.length} ok, ${failures} failed  ${figures}`);
}

console.log(`launch action over HTTP (${base}, template ${slug}, target idle ${targetIdle}):`);
await runPhase("warm-up", 3);
await runPhase("busy", N);
await runPhase("quiet", N);

const agents = await db.agent.findMany({
  where: { ownerId: { in: userIds }, status: { not: "stopped" } },
  select: { id: true },
});
for (const agent of agents) await stopAgent(agent.id, { ownerId: null, actor: "bench" });
await db.$disconnect();
