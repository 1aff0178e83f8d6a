/**
 * `npx tsx bench/claim.ts`: latency of the one-statement claim (lib/agents/claim-warm-identity.ts)
 * over 500 claims with the pool kept full (10 idle rows, one seeded back after
 * every claim, outside the timing). Rows are seeded directly: this measures
 * the database statement, not XMTP. Embedded PostgreSQL on loopback.
 * `npx tsx bench/claim.ts http [N]` measures the launch action end to end over HTTP instead.
 */
import { benchDatabase, percentile } from "./setup.ts";

// `npx tsx bench/claim.ts http [N]`: the launch action over HTTP against a running server instead (bench/claim-http.ts).
if (process.argv[2] === "http") {
  await import("./claim-http.ts");
  process.exit(0);
}

const CLAIMS = Number(process.argv[2] ?? 500);
const database = await benchDatabase();
const { db } = await import("@/lib/db.ts");
const { claimWarmIdentity } = await import("@/lib/agents/claim-warm-identity.ts");

let n = 0;
const seed = () =>
  db.identity.create({
    data: {
      status: "idle",
      inboxId: `inbox-${n}`,
      conversationId: `conv-${n}`,
      inviteUrl: `https://dev.convos.org/v2?i=s${n}`,
      inviteTag: `t${n++}`,
    },
  });
for (let i = 0; i < 10; i++) await seed();
for (let i = 0; i < 20; i++)
  await claimWarmIdentity({ ownerId: null, templateId: null, name: "w", instructions: "" }).then(seed); // warm-up

const latencies: number[] = [];
for (let i = 0; i < CLAIMS; i++) {
  const t0 = performance.now();
  await claimWarmIdentity({ ownerId: null, templateId: null, name: `Agent ${i}`, instructions: "Bench." });
  latencies.push(performance.now() - t0);
  await seed();
}
latencies.sort((a, b) => a - b);
const f = (x: number) => `${x.toFixed(2)} ms`;
console.log(`claims: ${CLAIMS} (pool kept at 10 idle)`);
console.log(
  `claim latency p50 ${f(percentile(latencies, 50))}  p95 ${f(percentile(latencies, 95))}  p99 ${f(percentile(latencies, 99))}  max ${f(latencies[latencies.length - 1])}`,
);
await db.$disconnect();
await database.stop();
process.exit(0);
