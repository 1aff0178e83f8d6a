import { describe, expect, it } from "vitest";
import {
  type CatalogTemplate,
  catalogHref,
  categoryLabel,
  featuredTemplates,
  filterTemplates,
  groupByCategory,
  matchesQuery,
  parseCatalogFilter,
  summarizeCategories,
} from "./catalog";

function t(over: Partial<CatalogTemplate> & { slug: string }): CatalogTemplate {
  return {
    name: over.slug,
    description: "",
    category: "fun",
    skills: [],
    featured: false,
    sortOrder: 0,
    ...over,
  };
}

const templates = [
  t({
    slug: "mail",
    name: "Email Drafter",
    description: "Writes emails",
    category: "productivity",
    skills: ["Email", "Writing"],
    sortOrder: 20,
  }),
  t({
    slug: "trip",
    name: "Trip Planner",
    description: "Plans a trip together",
    category: "travel",
    skills: ["Planning"],
    featured: true,
    sortOrder: 10,
  }),
  t({
    slug: "todo",
    name: "Task Wrangler",
    description: "A shared list",
    category: "productivity",
    skills: ["Lists"],
    featured: true,
    sortOrder: 5,
  }),
  t({
    slug: "odd",
    name: "Odd One",
    description: "In a category we don't know",
    category: "zoology",
    sortOrder: 1,
  }),
];

describe("parseCatalogFilter", () => {
  it("normalises what a visitor typed", () => {
    expect(parseCatalogFilter({ q: "  trip   planner ", category: " Travel " })).toEqual({
      q: "trip planner",
      category: "travel",
    });
    expect(parseCatalogFilter({})).toEqual({ q: "", category: "" });
    expect(parseCatalogFilter({ q: ["first", "second"] }).q).toBe("first");
    expect(parseCatalogFilter({ q: "x".repeat(500) }).q).toHaveLength(100);
  });
});

describe("search", () => {
  it("matches name, description and skills, ignoring case", () => {
    expect(matchesQuery(templates[0], "DRAFTER")).toBe(true);
    expect(matchesQuery(templates[0], "writes")).toBe(true);
    expect(matchesQuery(templates[0], "email writing")).toBe(true);
    expect(matchesQuery(templates[1], "planning")).toBe(true);
    expect(matchesQuery(templates[1], "email")).toBe(false);
  });

  it("requires every word to match somewhere", () => {
    expect(matchesQuery(templates[1], "trip email")).toBe(false);
  });

  it("filters by category and query together, in catalog order", () => {
    expect(filterTemplates(templates, { q: "", category: "productivity" }).map((x) => x.slug)).toEqual([
      "todo",
      "mail",
    ]);
    expect(filterTemplates(templates, { q: "lists", category: "" }).map((x) => x.slug)).toEqual(["todo"]);
    expect(filterTemplates(templates, { q: "lists", category: "travel" })).toEqual([]);
    expect(filterTemplates(templates, { q: "", category: "no-such-category" })).toEqual([]);
  });
});

describe("grouping", () => {
  it("orders known categories first, unknown ones after, with labels and counts", () => {
    expect(summarizeCategories(templates)).toEqual([
      { category: "productivity", label: "Productivity", count: 2 },
      { category: "travel", label: "Travel", count: 1 },
      { category: "zoology", label: "Zoology", count: 1 },
    ]);
    const groups = groupByCategory(templates);
    expect(groups.map((g) => g.category)).toEqual(["productivity", "travel", "zoology"]);
    expect(groups[0].templates.map((x) => x.slug)).toEqual(["todo", "mail"]);
  });

  it("lists featured templates by sort order", () => {
    expect(featuredTemplates(templates).map((x) => x.slug)).toEqual(["todo", "trip"]);
  });

  it("labels categories for people", () => {
    expect(categoryLabel("home-life")).toBe("Home life");
  });
});

describe("catalogHref", () => {
  it("keeps the URL clean and encodes the search", () => {
    expect(catalogHref({})).toBe("/");
    expect(catalogHref({ q: "", category: "" })).toBe("/");
    expect(catalogHref({ q: "a&b", category: "fun" })).toBe("/?q=a%26b&category=fun");
  });
});
