/**
 * The outside providers' use in /api/metrics, summed over every agent and read at scrape time
 * (lib/providers/usage.ts): what was sent and received, and the money spent, per provider.
 */
import { Gauge, type Registry } from "prom-client";
import { usageTotals, type AgentUsage } from "./usage";

function providerGauge(registry: Registry, name: string, help: string, value: (u: AgentUsage) => number) {
  new Gauge({
    name,
    help,
    labelNames: ["provider"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const u of await usageTotals()) this.set({ provider: u.provider }, value(u));
    },
  });
}

/** Registers the providers' gauges in `registry`. */
export function registerProviderUsage(registry: Registry): void {
  providerGauge(
    registry,
    "convos_provider_sent",
    "Mails and texts agents sent through an outside provider.",
    (u) => u.sent,
  );
  providerGauge(
    registry,
    "convos_provider_received",
    "Mails and texts agents received through an outside provider.",
    (u) => u.received,
  );
  providerGauge(
    registry,
    "convos_provider_spent_usd",
    "Money agents spent at an outside provider, in US dollars.",
    (u) => u.spentUsd,
  );
}
