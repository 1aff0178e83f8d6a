/**
 * The web app's Prometheus metrics, on their own Registry (not prom-client's
 * global one, so nothing else registers into it). Claims and claim errors are
 * counted in this process as they happen; pool, agent and message figures are
 * read from the database at scrape time, so every web instance reports the
 * same shared state. The workers' own counters (answers, handoffs, ...) come from the
 * snapshots they write to their Worker rows (./worker-stats.ts).
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { db } from "@/lib/db";
import { AgentStatus, IdentityStatus } from "@/lib/generated/prisma/enums";
import { getPoolSettings } from "@/lib/pool/settings";
import { restartCounts } from "@/lib/supervision/queries";
import { registerProviderUsage } from "@/lib/providers/metrics";
import { workerStatsRegistry } from "./worker-stats";

interface Metrics {
  registry: Registry;
  claims: Counter<"source" | "kind">;
  claimErrors: Counter<"source" | "code">;
  claimLatency: Histogram<"kind">;
}

/** A gauge of rows per status, read at scrape time; every status is reported, 0 when no row has it. */
function perStatusGauge<Row extends { status: string; _count: { _all: number } }>(
  registry: Registry,
  name: string,
  help: string,
  statuses: readonly string[],
  count: () => Promise<Row[]>,
) {
  new Gauge({
    name,
    help,
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const rows = await count();
      for (const status of statuses) {
        this.set({ status }, rows.find((r) => r.status === status)?._count._all ?? 0);
      }
    },
  });
}

function create(): Metrics {
  const registry = new Registry();
  const claims = new Counter({
    name: "convos_claims_total",
    help: "Agents claimed by this process, by source (web, api) and kind (launch, join).",
    labelNames: ["source", "kind"] as const,
    registers: [registry],
  });
  const claimErrors = new Counter({
    name: "convos_claim_errors_total",
    help: "Refused or failed claims in this process, by source and error code.",
    labelNames: ["source", "code"] as const,
    registers: [registry],
  });
  const claimLatency = new Histogram({
    name: "convos_claim_latency_seconds",
    help: "Time to claim a warm identity or record a join-claim, in seconds.",
    labelNames: ["kind"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  perStatusGauge(
    registry,
    "convos_pool_identities",
    "XMTP identities per status (idle ones are the warm pool).",
    Object.values(IdentityStatus),
    () => db.identity.groupBy({ by: ["status"], _count: { _all: true } }),
  );
  new Gauge({
    name: "convos_pool_target_idle",
    help: "The pool's target of idle identities (PoolSetting.targetIdle).",
    registers: [registry],
    async collect() {
      this.set((await getPoolSettings()).targetIdle);
    },
  });
  perStatusGauge(registry, "convos_agents", "Agents per status.", Object.values(AgentStatus), () =>
    db.agent.groupBy({ by: ["status"], _count: { _all: true } }),
  );
  new Gauge({
    name: "convos_agent_messages",
    help: "Messages agents received (in) and sent (out), summed over all agents.",
    labelNames: ["direction"] as const,
    registers: [registry],
    async collect() {
      const sum = await db.agent.aggregate({ _sum: { messagesIn: true, messagesOut: true } });
      this.set({ direction: "in" }, sum._sum.messagesIn ?? 0);
      this.set({ direction: "out" }, sum._sum.messagesOut ?? 0);
    },
  });
  new Gauge({
    name: "convos_failures_last_hour",
    help: "Failure events (worker and agent errors) recorded in the last hour.",
    registers: [registry],
    async collect() {
      this.set(
        await db.event.count({
          where: { kind: "failure", createdAt: { gte: new Date(Date.now() - 3_600_000) } },
        }),
      );
    },
  });
  new Counter({
    name: "convos_restarts_total",
    help: "Restarts of a part that died (worker, xmtp-node) by the run command, as recorded in the database.",
    labelNames: ["part"] as const,
    registers: [registry],
    async collect() {
      const counts = await restartCounts();
      this.reset();
      for (const [part, n] of Object.entries(counts)) this.inc({ part }, n);
    },
  });
  registerProviderUsage(registry);
  return { registry, claims, claimErrors, claimLatency };
}

const holder = globalThis as unknown as { convosMetrics?: Metrics };

/** The process's metrics, created once (kept on globalThis across dev reloads). */
export function metrics(): Metrics {
  holder.convosMetrics ??= create();
  return holder.convosMetrics;
}

export type ClaimSource = "web" | "api";

export function observeClaim(source: ClaimSource, kind: "launch" | "join", latencyMs: number): void {
  const m = metrics();
  m.claims.inc({ source, kind });
  m.claimLatency.observe({ kind }, latencyMs / 1000);
}

export function observeClaimError(source: ClaimSource, code: string): void {
  metrics().claimErrors.inc({ source, code });
}

/** The scrape: this process's metrics and the workers' summed counters, in Prometheus' text format. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry } = metrics();
  const merged = Registry.merge([registry, await workerStatsRegistry()]);
  return { body: await merged.metrics(), contentType: registry.contentType };
}
