/**
 * Seeds the template catalog, idempotently (upsert by slug).
 *
 * The app's start-up runs this on every start, so by default an existing
 * template is left exactly as it is: admins edit, unpublish and reorder
 * templates on /admin/templates, and a restart must not undo that. Pass
 * `{ overwrite: true }` (or `--overwrite` on the command line) to push the
 * shipped text over existing rows, e.g. after improving a prompt here.
 *
 *   DATABASE_URL=… tsx prisma/seed.ts [--overwrite]
 */
import { pathToFileURL } from "node:url";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { catalogSeed } from "@/lib/templates/catalog-seed";

export interface SeedResult {
  created: number;
  total: number;
}

/** Makes sure every shipped template exists; with `overwrite`, also resets existing ones to the shipped content. */
export async function seedCatalog(
  db: Pick<PrismaClient, "template" | "$transaction">,
  opts: { overwrite?: boolean } = {},
): Promise<SeedResult> {
  const before = await db.template.count({ where: { slug: { in: catalogSeed.map((t) => t.slug) } } });
  // One transaction: a crash half-way leaves the catalog as it was, never half-seeded.
  await db.$transaction(
    catalogSeed.map((t) => {
      // Shipped templates are published; said explicitly so an overwrite re-publishes one an admin hid.
      const data = { ...t, published: true };
      return db.template.upsert({
        where: { slug: t.slug },
        create: data,
        update: opts.overwrite ? data : {},
      });
    }),
  );
  return { created: catalogSeed.length - before, total: catalogSeed.length };
}

const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (runDirectly) {
  const { db } = await import("@/lib/db");
  try {
    const { created, total } = await seedCatalog(db, { overwrite: process.argv.includes("--overwrite") });
    console.log(`catalog: ${total} templates (${created} new)`);
  } finally {
    await db.$disconnect();
  }
}
