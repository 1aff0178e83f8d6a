/**
 * `npx tsx bench/attestation.ts [agents=50] [fleet=1000]`: the cost of keeping live agents verifiable on ONE
 * worker (workers/agents/worker/attestation-renewal.ts). Throwaway embedded PostgreSQL and an in-process
 * local XMTP node on an ephemeral port; `agents` identities, each with its own client and conversation, as
 * live agents have.
 *
 * Measured: (1) signing alone, 10,000 attestations; (2) one renewal at a time (sign, send the profile
 * update to the node, record it in PostgreSQL): latency p50/p95 and CPU per renewal; (3) one renewal pass
 * with every agent due at once (the worker's own pass: one query, four sends at a time), as after a worker
 * was down past the renewal age. Then extrapolated to `fleet` agents: renewals per day (each agent renews
 * every 9 to 12 hours, 10.5 on average), CPU per day and its share of one core, and how long the
 * all-due-at-once pass of the whole fleet takes.
 */
import pino from "pino";
import { benchWorkerEnv, percentile } from "./setup.ts";

const [agents, fleet] = [Number(process.argv[2] ?? 50), Number(process.argv[3] ?? 1_000)];
const env = await benchWorkerEnv("bench-attestation-");
const { db } = await import("@/lib/db.ts");
const { loadMasterKey } = await import("@/lib/secrets/index.ts");
const { identityClients } = await import("@/workers/agents/pool/identity-client.ts");
const { attestationKeys, generateAttestationKey } = await import("@/lib/attestation/keys.ts");
const { signAttestation } = await import("@/lib/attestation/sign.ts");
const { AgentProfile } = await import("@/workers/agents/runtime/agent-profile.ts");
const { renewDueAttestations, RENEW_AFTER_MS, RENEW_SPREAD } =
  await import("@/workers/agents/worker/attestation-renewal.ts");
type AgentRuntime = import("@/workers/agents/runtime/contracts.ts").AgentRuntime;

const log = pino({ level: "warn" });
const keys = attestationKeys({
  ATTESTATION: true,
  ATTESTATION_PRIVATE_KEY: generateAttestationKey().privateKeyPem,
});
if (!keys) throw new Error("no attestation key");
let offsetMs = 0;
const signer = { attestation: keys, clock: () => new Date(Date.now() + offsetMs) };
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

// (1) Signing alone.
{
  const n = 10_000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) signAttestation(keys.signing, `inbox-${i}`.padEnd(64, "0"), new Date());
  const wall = performance.now() - t0;
  console.log(
    `signing: ${n} attestations in ${wall.toFixed(0)} ms: ${((wall / n) * 1000).toFixed(1)} µs each, ` +
      `CPU ${((cpuMs(cpu0) / n) * 1000).toFixed(1)} µs each`,
  );
}

// The identities: a client and a conversation each, and their rows.
const sealingKey = loadMasterKey({ env: { MASTER_KEY: env.masterKey }, dataDir: env.dataDir, log: () => {} });
const clients = identityClients(sealingKey, { env: "local", dataDir: env.dataDir });
const running = new Map<string, AgentRuntime>();
const profiles: InstanceType<typeof AgentProfile>[] = [];
const t0 = performance.now();
for (let i = 0; i < agents; i++) {
  const c = await clients.create();
  const group = await c.client.conversations.createGroup([]);
  const id = `bench-identity-${i}`;
  await db.$executeRaw`
    INSERT INTO "Identity" (id, status, "inboxId", "updatedAt") VALUES (${id}, 'live', ${c.inboxId}, now())`;
  const profile = new AgentProfile(signer, { identityId: id, inboxId: c.inboxId, group }, `Agent ${i}`);
  profiles.push(profile);
  running.set(id, { identityId: id, agentId: id, profile } as unknown as AgentRuntime);
}
console.log(
  `${agents} identities with a conversation each in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

// (2) One renewal at a time.
const latencies: number[] = [];
global.gc?.();
let cpu0 = process.cpuUsage();
for (const p of profiles) {
  const s = performance.now();
  await p.renew(null);
  latencies.push(performance.now() - s);
}
const perRenewalCpuMs = cpuMs(cpu0) / agents;
latencies.sort((a, b) => a - b);
console.log(
  `renewal one at a time (sign + send + record), ${agents} agents: p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
    `p95 ${percentile(latencies, 95).toFixed(1)} ms, CPU ${perRenewalCpuMs.toFixed(2)} ms per renewal ` +
    `(this process, the local node included)`,
);

// (3) The worker's pass with everyone due at once.
offsetMs = 13 * 60 * 60 * 1000;
cpu0 = process.cpuUsage();
const p0 = performance.now();
const renewed = await renewDueAttestations({ running, clock: signer.clock, deadlineMs: 60_000, log });
const passMs = performance.now() - p0;
const passCpuMs = cpuMs(cpu0);
console.log(
  `one renewal pass, all ${renewed}/${agents} due: ${passMs.toFixed(0)} ms wall (${(passMs / agents).toFixed(1)} ms per agent), ` +
    `CPU ${(passCpuMs / agents).toFixed(2)} ms per agent`,
);

// Extrapolated to the fleet.
const meanAgeH = (RENEW_AFTER_MS * (1 - RENEW_SPREAD / 2)) / 3_600_000;
const perDay = fleet * (24 / meanAgeH);
const cpuPerDayS = (perDay * Math.max(perRenewalCpuMs, passCpuMs / agents)) / 1000;
console.log(
  `${fleet} agents on one worker: ${perDay.toFixed(0)} renewals a day (every ${meanAgeH} h on average), ` +
    `CPU ${cpuPerDayS.toFixed(1)} s a day = ${((cpuPerDayS / 86_400) * 100).toFixed(4)}% of one core; ` +
    `launched together, they renew over ${((RENEW_AFTER_MS * RENEW_SPREAD) / 3_600_000).toFixed(0)} h: ` +
    `${(fleet / ((RENEW_AFTER_MS * RENEW_SPREAD) / 60_000)).toFixed(1)} renewals a minute at most`,
);
console.log(
  `${fleet} agents all due at once (a worker down past the renewal age): one pass of about ` +
    `${(((passMs / agents) * fleet) / 1000).toFixed(1)} s, CPU ${(((passCpuMs / agents) * fleet) / 1000).toFixed(1)} s`,
);

await db.$disconnect();
await env.stop();
process.exit(0);
