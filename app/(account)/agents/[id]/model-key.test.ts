/**
 * The agent page's model key and outside-services cards, and /admin's totals, as the server renders them,
 * on a real PostgreSQL and a loopback fake of OpenRouter (test/fake-openrouter.ts).
 */
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/db";
import { startFakeOpenRouter, type FakeOpenRouter } from "@/test/fake-openrouter";
import { countUsage } from "@/lib/providers/usage";
import { ProviderUsageTotals } from "@/app/admin/provider-usage";
import { ProviderUsage } from "./provider-usage";

const database = withTestDatabase();
let fake: FakeOpenRouter;
let ModelKey: typeof import("./model-key").ModelKey;

beforeAll(async () => {
  fake = await startFakeOpenRouter();
  vi.stubEnv("OPENROUTER_MANAGEMENT_KEY", fake.managementKey);
  vi.stubEnv("OPENROUTER_BASE_URL", fake.baseUrl);
  vi.resetModules(); // lib/config parses the environment once per module instance
  ({ ModelKey } = await import("./model-key"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake?.close();
});

const text = (html: string) => html.replaceAll("<!-- -->", "");

async function agentWithKey(usage: number): Promise<string> {
  const { db } = database();
  const agent = await db.agent.create({ data: { name: "Penny", instructions: "", status: "live" } });
  const k = fake.addKey(`convos-agent-${agent.id}`, 1);
  k.usage = usage;
  await db.agentModelKey.create({
    data: { agentId: agent.id, name: k.name, hash: k.hash, sealedKey: Buffer.from("sealed") },
  });
  return agent.id;
}

describe("the model key card", () => {
  it("shows what the key may still spend and the raise, or that OpenRouter is out of reach", async () => {
    const agentId = await agentWithKey(0.25);
    const html = text(renderToStaticMarkup((await ModelKey({ agentId }))!));
    expect(html).toContain("<strong>$0.75</strong> left of its $1.00 limit (spent $0.25).");
    expect(html).toContain("Raise the limit by $1.00 (up to $10.00)");
    fake.failNext(503);
    const down = text(renderToStaticMarkup((await ModelKey({ agentId }))!));
    expect(down).toContain('role="alert"');
    expect(down).toContain("OpenRouter can&#x27;t be reached right now");
  });

  it("shows what the agent spent, and /admin the totals", async () => {
    const agentId = await agentWithKey(0);
    await countUsage(agentId, "openrouter", { spentMicros: 250_000 });
    await countUsage(agentId, "agentmail", { sent: 2, received: 3 });
    const card = text(renderToStaticMarkup((await ProviderUsage({ agentId }))!));
    expect(card).toContain('<th scope="row" class="text-left font-normal">E-mail</th><td>2</td><td>3</td>');
    expect(card).toContain("Model (OpenRouter)</th><td>0</td><td>0</td><td>$0.25</td>");
    const admin = text(renderToStaticMarkup(await ProviderUsageTotals({ card: "", heading: "" })));
    // With the $0.25 the first card read from its key when it rendered.
    expect(admin).toContain("Model (OpenRouter)</th><td>0</td><td>0</td><td>$0.50</td>");
  });
});
