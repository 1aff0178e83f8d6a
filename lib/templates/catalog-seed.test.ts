import { describe, expect, it } from "vitest";
import { unknownToolNames } from "@/lib/agents/tools/registry";
import { twemojiDataUrl } from "@/lib/og/emoji";
import { catalogSeed } from "./catalog-seed";
import { isValidSlug } from "./slug";

describe("the shipped catalog", () => {
  it("has at least 16 templates over at least 5 categories, 4 to 6 of them featured", () => {
    expect(catalogSeed.length).toBeGreaterThanOrEqual(16);
    expect(new Set(catalogSeed.map((t) => t.category)).size).toBeGreaterThanOrEqual(5);
    const featured = catalogSeed.filter((t) => t.featured).length;
    expect(featured).toBeGreaterThanOrEqual(4);
    expect(featured).toBeLessThanOrEqual(6);
  });

  it("has unique, well-formed slugs and unique sort orders", () => {
    expect(new Set(catalogSeed.map((t) => t.slug)).size).toBe(catalogSeed.length);
    expect(new Set(catalogSeed.map((t) => t.sortOrder)).size).toBe(catalogSeed.length);
    for (const t of catalogSeed) expect(isValidSlug(t.slug), t.slug).toBe(true);
  });

  it.each(catalogSeed.map((t) => [t.slug, t] as const))("%s is complete", (_slug, t) => {
    expect(t.name.trim()).not.toBe("");
    // One sentence.
    expect(t.description).toMatch(/^[^.!?]+[.!?]$/);
    expect(t.skills.length).toBeGreaterThanOrEqual(2);
    expect(t.skills.length).toBeLessThanOrEqual(4);
    expect(t.suggestedMessages).toHaveLength(3);
    // What the agent does, how it behaves in a group, what it must not do.
    expect(t.instructions).toMatch(/^## What you do$/m);
    expect(t.instructions).toMatch(/^## In the group$/m);
    expect(t.instructions).toMatch(/^## Don't$/m);
    // The tools exist, and the ones its instructions call for are there: votes need polls; lists and scores need lists.
    expect(t.tools.length).toBeGreaterThanOrEqual(1);
    expect(unknownToolNames(t.tools)).toEqual([]);
    if (/\bvot(e|es|ing)\b/i.test(t.instructions)) expect(t.tools).toContain("poll");
    if (/\b(shopping list|running list|to-do list|keep a .*list|scores?)\b/i.test(t.instructions))
      expect(t.tools).toContain("list");
    // The emoji can be drawn offline (OG images and pages use the local Twemoji files).
    expect(twemojiDataUrl(t.emoji), t.emoji).not.toBeNull();
  });
});
