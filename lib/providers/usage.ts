/**
 * What each agent used of the outside providers (mails and texts sent and received, money spent), one row per
 * agent and provider: shown on the agent page and /admin, exported in /api/metrics, erased with the agent.
 */
import { db } from "@/lib/db";

export type ProviderName = "openrouter" | "agentmail" | "telnyx";

export interface UsageDelta {
  sent?: number;
  received?: number;
  /** Money spent, in millionths of a US dollar. */
  spentMicros?: number;
}

/** Adds `delta` to the agent's usage of `provider`, in one statement (concurrent counts never lose one). */
export async function countUsage(agentId: string, provider: ProviderName, delta: UsageDelta): Promise<void> {
  const sent = delta.sent ?? 0;
  const received = delta.received ?? 0;
  const micros = BigInt(Math.round(delta.spentMicros ?? 0));
  await db.$executeRaw`
    INSERT INTO "ProviderUsage" ("agentId", provider, sent, received, "spentMicros")
    VALUES (${agentId}, ${provider}, ${sent}, ${received}, ${micros})
    ON CONFLICT ("agentId", provider) DO UPDATE SET
      sent = "ProviderUsage".sent + excluded.sent,
      received = "ProviderUsage".received + excluded.received,
      "spentMicros" = "ProviderUsage"."spentMicros" + excluded."spentMicros",
      "updatedAt" = now()`;
}

export interface AgentUsage {
  provider: string;
  sent: number;
  received: number;
  spentUsd: number;
}

/** The agent's usage per provider, for its page. */
export async function usageOf(agentId: string): Promise<AgentUsage[]> {
  const rows = await db.providerUsage.findMany({ where: { agentId }, orderBy: { provider: "asc" } });
  return rows.map((r) => ({
    provider: r.provider,
    sent: r.sent,
    received: r.received,
    spentUsd: Number(r.spentMicros) / 1e6,
  }));
}

/** Usage summed over all agents per provider, for /admin and /api/metrics. */
export async function usageTotals(): Promise<AgentUsage[]> {
  const rows = await db.providerUsage.groupBy({
    by: ["provider"],
    _sum: { sent: true, received: true, spentMicros: true },
    orderBy: { provider: "asc" },
  });
  return rows.map((r) => ({
    provider: r.provider,
    sent: r._sum.sent ?? 0,
    received: r._sum.received ?? 0,
    spentUsd: Number(r._sum.spentMicros ?? 0n) / 1e6,
  }));
}
