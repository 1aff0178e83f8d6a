import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { allowedModels, ModelNotAllowed } from "@/lib/llm/models";
import { templateInput } from "@/lib/templates/mutations";
import { agentModelChoice, setAgentModel } from "./model";
import { agentState } from "./policy";

const database = withTestDatabase();
const allowed = allowedModels({
  LLM_MODEL: "m/default",
  LLM_BASE_URL: "https://llm.example/v1",
  LLM_MODELS: "m/a",
});

describe("the owner's choice of model", () => {
  it("takes a model on the list, refuses one off it or another's agent, and clears back to the default", async () => {
    const { db } = database();
    const owner = await db.user.create({ data: { email: "owner@example.com" } });
    const other = await db.user.create({ data: { email: "other@example.com" } });
    const agent = await db.agent.create({ data: { name: "A", instructions: "x", ownerId: owner.id } });

    await setAgentModel(agent.id, owner.id, "m/a", allowed);
    expect((await agentState(agent.id)).model).toBe("m/a");
    expect(await agentModelChoice(agent.id, owner.id)).toEqual({ model: "m/a", templateModel: null });

    await expect(setAgentModel(agent.id, owner.id, "m/expensive", allowed)).rejects.toThrow(ModelNotAllowed);
    await expect(setAgentModel(agent.id, owner.id, "m/expensive", allowed)).rejects.toThrow(
      'The model "m/expensive" is not one this server allows.',
    );
    await expect(setAgentModel(agent.id, other.id, "m/default", allowed)).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await agentModelChoice(agent.id, other.id)).toBeNull();
    expect((await agentState(agent.id)).model).toBe("m/a"); // nothing changed by the refusals

    await setAgentModel(agent.id, owner.id, null, allowed);
    expect((await agentState(agent.id)).model).toBeNull();
  });

  it("a template's model: blank is none", () => {
    const base = {
      slug: "cook",
      name: "Cook",
      emoji: "🍳",
      category: "food",
      description: "d",
      instructions: "i",
    };
    expect(templateInput.parse({ ...base, model: " " }).model).toBeNull();
    expect(templateInput.parse({ ...base, model: "m/a" }).model).toBe("m/a");
    expect(templateInput.parse(base).model).toBeNull();
  });
});
