import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { seedCatalog } from "@/prisma/seed";
import { catalogSeed } from "./catalog-seed";
import {
  countReadyNow,
  getPublishedTemplate,
  listCategories,
  listFeaturedTemplates,
  listPublishedTemplates,
  listTemplatesByCategory,
  searchTemplates,
} from "./queries";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe("seedCatalog", () => {
  it("creates the catalog once and is idempotent", async () => {
    expect(await seedCatalog(t.db)).toEqual({ created: catalogSeed.length, total: catalogSeed.length });
    expect(await seedCatalog(t.db)).toEqual({ created: 0, total: catalogSeed.length });
    expect(await t.db.template.count()).toBe(catalogSeed.length);
  });

  it("leaves an admin's edits alone unless asked to overwrite", async () => {
    await t.db.template.update({
      where: { slug: "trip-planner" },
      data: { name: "Our Trips", published: false },
    });
    await seedCatalog(t.db);
    expect(await t.db.template.findUnique({ where: { slug: "trip-planner" } })).toMatchObject({
      name: "Our Trips",
      published: false,
    });

    await seedCatalog(t.db, { overwrite: true });
    expect(await t.db.template.findUnique({ where: { slug: "trip-planner" } })).toMatchObject({
      name: "Trip Planner",
      published: true,
    });
  });
});

describe("catalog queries", () => {
  beforeAll(async () => {
    await seedCatalog(t.db, { overwrite: true });
    await t.db.template.update({ where: { slug: "quiz-master" }, data: { published: false } });
  });

  it("lists only published templates", async () => {
    const all = await listPublishedTemplates(t.db);
    expect(all).toHaveLength(catalogSeed.length - 1);
    expect(all.map((x) => x.slug)).not.toContain("quiz-master");
    expect(await getPublishedTemplate("quiz-master", t.db)).toBeNull();
    expect((await getPublishedTemplate("trip-planner", t.db))?.name).toBe("Trip Planner");
    expect(await getPublishedTemplate("no-such-agent", t.db)).toBeNull();
    expect(await getPublishedTemplate("<script>", t.db)).toBeNull();
  });

  it("lists by category and the categories with their counts", async () => {
    const travel = await listTemplatesByCategory("travel", t.db);
    expect(travel.length).toBeGreaterThan(0);
    expect(travel.every((x) => x.category === "travel")).toBe(true);

    const categories = await listCategories(t.db);
    expect(categories.length).toBeGreaterThanOrEqual(5);
    expect(categories.reduce((n, c) => n + c.count, 0)).toBe(catalogSeed.length - 1);
    expect(categories.find((c) => c.category === "travel")).toMatchObject({
      label: "Travel",
      count: travel.length,
    });
  });

  it("searches name, description and skills case-insensitively", async () => {
    expect((await searchTemplates({ q: "EMAIL" }, t.db)).map((x) => x.slug)).toContain("email-drafter");
    // "Polls" is only a skill of these.
    const polls = (await searchTemplates({ q: "polls" }, t.db)).map((x) => x.slug);
    expect(polls).toEqual(expect.arrayContaining(["decision-helper", "movie-night-picker"]));
    expect(await searchTemplates({ q: "itinerary" }, t.db)).toHaveLength(1);
    expect(await searchTemplates({ q: "planning", category: "travel" }, t.db)).toEqual(
      (await listTemplatesByCategory("travel", t.db)).filter((x) => x.skills.includes("Planning")),
    );
    expect(await searchTemplates({ q: "zzz-nothing" }, t.db)).toEqual([]);
  });

  it("lists the featured templates", async () => {
    const featured = await listFeaturedTemplates(t.db);
    expect(featured.map((x) => x.slug)).toEqual(catalogSeed.filter((x) => x.featured).map((x) => x.slug));
  });

  it("counts only idle identities as ready now", async () => {
    expect(await countReadyNow(t.db)).toBe(0);
    await t.db.identity.createMany({
      data: [
        { status: "idle" },
        { status: "idle" },
        { status: "provisioning" },
        { status: "claimed" },
        { status: "failed" },
      ],
    });
    expect(await countReadyNow(t.db)).toBe(2);
  });
});
