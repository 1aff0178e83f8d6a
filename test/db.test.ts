import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";

describe("per-file test databases", () => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(async () => {
    a = await createTestDatabase();
    b = await createTestDatabase();
  });
  afterAll(async () => {
    await a.drop();
    await b.drop();
  });

  it("are migrated and isolated from each other", async () => {
    await a.db.template.create({
      data: {
        slug: "only-in-a",
        name: "A",
        emoji: "🅰️",
        category: "fun",
        description: "d",
        instructions: "i",
      },
    });
    expect(await a.db.template.count()).toBe(1);
    expect(await b.db.template.count()).toBe(0);
  });
});
