/** The providers' gauges (./metrics.ts) in /api/metrics, read from the usage table at scrape time, on a real PostgreSQL. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { renderMetrics } from "@/lib/metrics/registry";
import { countUsage } from "./usage";

const database = withTestDatabase();

describe("the providers' metrics", () => {
  it("export what agents sent, received and spent per provider, summed over agents", async () => {
    const { db } = database();
    const a = await db.agent.create({ data: { name: "A", instructions: "" } });
    const b = await db.agent.create({ data: { name: "B", instructions: "" } });
    await countUsage(a.id, "openrouter", { spentMicros: 250_000 });
    await countUsage(b.id, "openrouter", { spentMicros: 500_000 });
    await countUsage(b.id, "telnyx", { sent: 3, received: 1 });
    const { body: text } = await renderMetrics(); // what /api/metrics answers
    expect(text).toContain('convos_provider_spent_usd{provider="openrouter"} 0.75');
    expect(text).toContain('convos_provider_sent{provider="telnyx"} 3');
    expect(text).toContain('convos_provider_received{provider="telnyx"} 1');
  });
});
