/**
 * Reads of the template catalog, shared by the web app and the worker (which
 * needs a template's instructions), hence no "server-only" here. Every function
 * takes an optional client so integration tests can point it at their own
 * database. Only *published* templates are public.
 */
import { db as defaultDb } from "@/lib/db";
import type { PrismaClient, Template } from "@/lib/generated/prisma/client";
import {
  type CatalogFilter,
  type CategorySummary,
  categoryLabel,
  compareCategories,
  featuredTemplates,
  filterTemplates,
  sortTemplates,
} from "./catalog";
import { isValidSlug } from "./slug";

type Client = Pick<PrismaClient, "template" | "identity">;

/** All published templates, in catalog order. */
export async function listPublishedTemplates(client: Client = defaultDb): Promise<Template[]> {
  return sortTemplates(await client.template.findMany({ where: { published: true } }));
}

/** Published templates of one category, in catalog order. */
export async function listTemplatesByCategory(
  category: string,
  client: Client = defaultDb,
): Promise<Template[]> {
  return sortTemplates(await client.template.findMany({ where: { published: true, category } }));
}

/** Published templates matching a search (name, description, skills; case-insensitive) and/or a category. */
export async function searchTemplates(
  filter: Partial<CatalogFilter>,
  client: Client = defaultDb,
): Promise<Template[]> {
  return filterTemplates(await listPublishedTemplates(client), {
    q: filter.q ?? "",
    category: filter.category ?? "",
  });
}

/** The featured published templates. */
export async function listFeaturedTemplates(client: Client = defaultDb): Promise<Template[]> {
  return featuredTemplates(await client.template.findMany({ where: { published: true, featured: true } }));
}

/** The categories that have published templates, in display order, with counts. */
export async function listCategories(client: Client = defaultDb): Promise<CategorySummary[]> {
  const rows = await client.template.groupBy({
    by: ["category"],
    where: { published: true },
    _count: { _all: true },
  });
  return rows
    .map((r) => ({ category: r.category, label: categoryLabel(r.category), count: r._count._all }))
    .sort((a, b) => compareCategories(a.category, b.category));
}

/** A published template by slug, or null (malformed slugs never reach the database). */
export async function getPublishedTemplate(
  slug: string,
  client: Client = defaultDb,
): Promise<Template | null> {
  if (!isValidSlug(slug)) return null;
  return client.template.findFirst({ where: { slug, published: true } });
}

/** How many agents can be launched right now: warm identities waiting in the pool. */
export async function countReadyNow(client: Client = defaultDb): Promise<number> {
  return client.identity.count({ where: { status: "idle" } });
}
