import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { TOOL_NAMES } from "@/lib/agents/tools/registry";
import { createTemplate, setTemplateFlags, templateInput } from "./mutations";

const database = withTestDatabase();

const valid = {
  slug: "test-helper",
  name: "Test Helper",
  emoji: "🧪",
  category: "work",
  description: "Helps.",
  instructions: "Be helpful.",
  skills: "a, b,, c",
  suggestedMessages: "Hi\n\nHello",
  published: "on",
};

describe("template validation and writes", () => {
  it("parses form input: lists split and trimmed, checkboxes, default order", () => {
    expect(templateInput.parse(valid)).toMatchObject({
      skills: ["a", "b", "c"],
      suggestedMessages: ["Hi", "Hello"],
      published: true,
      featured: false,
      sortOrder: 0,
    });
  });

  it("takes tools from the registry only, and names the unknown ones", () => {
    expect(templateInput.parse({ ...valid, tools: "list,poll" }).tools).toEqual(["list", "poll"]);
    expect(templateInput.parse(valid).tools).toEqual([]);
    const result = templateInput.safeParse({ ...valid, tools: "list,teleport" });
    expect(result.success).toBe(false);
    // The known ones are the registry's, whatever it holds today.
    expect(result.error!.issues[0].message).toBe(`Unknown tool: teleport (known: ${TOOL_NAMES.join(", ")}).`);
    expect(TOOL_NAMES).toEqual(expect.arrayContaining(["list", "poll", "react", "fetch_url"]));
  });

  it("refuses bad slugs, empty names and overlong descriptions with clear messages", () => {
    const result = templateInput.safeParse({
      ...valid,
      slug: "Bad Slug",
      name: " ",
      description: "x".repeat(301),
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => i.message);
    expect(messages).toContain("The name is required.");
    expect(messages.some((m) => m.startsWith("The slug may only have"))).toBe(true);
    expect(messages).toContain("The description can be at most 300 characters.");
  });

  it("answers slug_taken for a duplicate slug and not_found for a missing template", async () => {
    const input = templateInput.parse({ ...valid, slug: `dup-${Date.now()}` });
    const created = await createTemplate(input);
    await expect(createTemplate(input)).rejects.toMatchObject({ code: "slug_taken", status: 409 });
    await setTemplateFlags(created.id, { featured: true });
    expect((await database().db.template.findUniqueOrThrow({ where: { id: created.id } })).featured).toBe(
      true,
    );
    await expect(setTemplateFlags("missing", { featured: true })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
