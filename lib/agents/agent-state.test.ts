// agentState, read for every message an agent answers: the agent's fields with its template's in one statement.
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { agentState } from "./policy";

const database = withTestDatabase();

describe("agentState", () => {
  it("reads an agent with its template's tools and model, one without a template, and refuses an unknown id", async () => {
    const { db } = database();
    const template = await db.template.create({
      data: {
        slug: "cook",
        name: "Cook",
        emoji: "🍳",
        category: "food",
        description: "d",
        instructions: "i",
        tools: ["react", "schedule"],
        model: "m/template",
      },
    });
    const withTemplate = await db.agent.create({
      data: {
        name: "Chef",
        instructions: "Cook.",
        templateId: template.id,
        dmPolicy: "allowlist",
        allowlist: ["inbox-a"],
        operators: ["inbox-op"],
        tokenCap: 5_000,
        tokensUsed: 12,
        timeZone: "Europe/Paris",
      },
    });
    expect(await agentState(withTemplate.id)).toEqual({
      id: withTemplate.id,
      name: "Chef",
      instructions: "Cook.",
      dmPolicy: "allowlist",
      allowlist: ["inbox-a"],
      operators: ["inbox-op"],
      tokenCap: 5_000,
      tokensUsed: 12,
      outOfBudgetAt: null,
      operatorCode: null,
      timeZone: "Europe/Paris",
      tools: ["react", "schedule"],
      model: "m/template",
    });

    // The agent's own model wins over its template's; a date comes back as a Date.
    const paused = new Date("2026-12-01T10:00:00.000Z");
    await db.agent.update({
      where: { id: withTemplate.id },
      data: { model: "m/own", outOfBudgetAt: paused },
    });
    expect(await agentState(withTemplate.id)).toMatchObject({ model: "m/own", outOfBudgetAt: paused });

    // No template: tools null (lib/agents/tools decides); list columns a raw insert left NULL read as empty.
    const alone = await db.agent.create({ data: { name: "Solo", instructions: "x" } });
    await db.$executeRaw`UPDATE "Agent" SET allowlist = NULL, operators = NULL WHERE id = ${alone.id}`;
    expect(await agentState(alone.id)).toMatchObject({
      dmPolicy: "pairing",
      allowlist: [],
      operators: [],
      tools: null,
      model: null,
      tokenCap: null,
    });

    await expect(agentState("no-such-agent")).rejects.toMatchObject({ code: "not_found" });
  });
});
