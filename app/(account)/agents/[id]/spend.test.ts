/** The agent page's spend card and the paused status line as the server renders them, on a real PostgreSQL. */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/db";
import { getAgentForOwner } from "@/lib/agents/queries";
import { AgentStatusLine } from "@/app/(account)/agents/agent-details";
import { Spend } from "./spend";

vi.hoisted(() => {
  process.env.LLM_MODEL = "priced/model";
  process.env.LLM_PRICES = "priced/model=0.6";
  process.env.LLM_TOKEN_CAP_PER_AGENT = "1000";
});

const database = withTestDatabase();
const text = (html: string) => html.replaceAll("<!-- -->", "");

async function agentWith(data: { tokensUsed: number; model?: string }) {
  const { db } = database();
  const user = await db.user.create({ data: { email: `${crypto.randomUUID()}@example.test` } });
  const agent = await db.agent.create({
    data: { name: "Penny", instructions: "", ownerId: user.id, status: "live", ...data },
  });
  return { agentId: agent.id, ownerId: user.id };
}

describe("the spend card", () => {
  it("shows tokens against the cap, the days as bars with their figures, and the cost at the model's price", async () => {
    const { agentId, ownerId } = await agentWith({ tokensUsed: 850 });
    const today = new Date().toISOString().slice(0, 10);
    await database().db.tokenUsageDay.create({
      data: { agentId, day: new Date(today), tokens: 850, costMicros: 510n },
    });
    const html = text(renderToStaticMarkup((await Spend({ agentId, ownerId }))!));
    expect(html).toContain(
      "850 of 1,000 tokens used (85 %). Cost so far: $0.00051 (at $0.6 per million tokens).",
    );
    expect(html).toContain(`<th scope="row">${today}</th><td>850</td><td>$0.00051</td>`);
    expect(html.match(/<rect /g)).toHaveLength(30);
    expect(html).toContain("850 tokens in the last 30 days; the most, 850, on " + today);
    expect(html).toContain("At most 1,000 tokens.");
    expect(html).not.toContain("Paused");
    const line = text(
      renderToStaticMarkup(AgentStatusLine({ agent: (await getAgentForOwner(agentId, ownerId))! })),
    );
    expect(line).not.toContain("Paused: out of budget");
  });

  it("shows no money for a model without a price, and the pause at the cap, on the card and the status line", async () => {
    const { agentId, ownerId } = await agentWith({ tokensUsed: 1_000, model: "free/model" });
    const html = text(renderToStaticMarkup((await Spend({ agentId, ownerId }))!));
    expect(html).toContain("1,000 of 1,000 tokens used (100 %).");
    expect(html).not.toContain("Cost");
    expect(html).toContain(
      "Paused: out of budget: it has used its cap of 1,000 tokens; raise the cap to resume.",
    );
    const line = text(
      renderToStaticMarkup(AgentStatusLine({ agent: (await getAgentForOwner(agentId, ownerId))! })),
    );
    expect(line).toContain("Paused: out of budget");
  });
});
