/**
 * Pure catalog logic: reading the `?q=` / `?category=` parameters, searching,
 * and grouping. The catalog is small (tens of templates, all shown on one
 * page), so the page loads the published templates once and these functions
 * derive everything else in memory; that also makes them testable without a
 * database.
 */

/** The fields the catalog logic needs; a Prisma `Template` satisfies it. */
export interface CatalogTemplate {
  slug: string;
  name: string;
  description: string;
  category: string;
  skills: string[];
  featured: boolean;
  sortOrder: number;
}

export interface CatalogFilter {
  /** Normalised search text ("" = no search). */
  q: string;
  /** A category slug ("" = all categories). */
  category: string;
}

/** Known categories in display order; any other category sorts after them, alphabetically. */
const CATEGORY_ORDER = ["productivity", "work", "travel", "learning", "health", "fun"];

const MAX_QUERY_LENGTH = 100;

/** The human label of a category slug: "travel" → "Travel", "home-life" → "Home life". */
export function categoryLabel(category: string): string {
  const words = category.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Orders category slugs: the known ones first in their fixed order, then the rest alphabetically. */
export function compareCategories(a: string, b: string): number {
  const ia = CATEGORY_ORDER.indexOf(a);
  const ib = CATEGORY_ORDER.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? Infinity : ia) - (ib === -1 ? Infinity : ib);
  return a.localeCompare(b);
}

type SearchParamValue = string | string[] | undefined;

function first(value: SearchParamValue): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/**
 * Reads the catalog filter from URL search params, whatever a visitor typed:
 * whitespace collapsed, length capped, the category lower-cased.
 */
export function parseCatalogFilter(params: Record<string, SearchParamValue>): CatalogFilter {
  const q = first(params.q).replace(/\s+/g, " ").trim().slice(0, MAX_QUERY_LENGTH);
  const category = first(params.category).trim().toLowerCase().slice(0, 50);
  return { q, category };
}

/** True when every word of the query appears (case-insensitively) in the name, description or a skill. */
export function matchesQuery(template: CatalogTemplate, q: string): boolean {
  const words = q.toLocaleLowerCase().split(" ").filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [template.name, template.description, ...template.skills].join("\n").toLocaleLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** The templates that pass the filter, in catalog order. */
export function filterTemplates<T extends CatalogTemplate>(templates: T[], filter: CatalogFilter): T[] {
  return sortTemplates(
    templates.filter(
      (t) => (filter.category === "" || t.category === filter.category) && matchesQuery(t, filter.q),
    ),
  );
}

/** Catalog order: category order, then sort order, then name. */
export function sortTemplates<T extends CatalogTemplate>(templates: T[]): T[] {
  return [...templates].sort(
    (a, b) =>
      compareCategories(a.category, b.category) || a.sortOrder - b.sortOrder || a.name.localeCompare(b.name),
  );
}

export interface CategorySummary {
  category: string;
  label: string;
  count: number;
}

/** The categories present in a list of templates, in display order, with their counts. */
export function summarizeCategories(templates: CatalogTemplate[]): CategorySummary[] {
  const counts = new Map<string, number>();
  for (const t of templates) counts.set(t.category, (counts.get(t.category) ?? 0) + 1);
  return [...counts.keys()]
    .sort(compareCategories)
    .map((category) => ({ category, label: categoryLabel(category), count: counts.get(category) ?? 0 }));
}

export interface CategoryGroup<T> {
  category: string;
  label: string;
  templates: T[];
}

/** Groups templates by category, both in catalog order. */
export function groupByCategory<T extends CatalogTemplate>(templates: T[]): CategoryGroup<T>[] {
  const groups = new Map<string, T[]>();
  for (const t of sortTemplates(templates)) {
    const list = groups.get(t.category) ?? [];
    list.push(t);
    groups.set(t.category, list);
  }
  return [...groups].map(([category, list]) => ({
    category,
    label: categoryLabel(category),
    templates: list,
  }));
}

/** The featured templates in their sort order (featuring is orthogonal to categories). */
export function featuredTemplates<T extends CatalogTemplate>(templates: T[]): T[] {
  return templates
    .filter((t) => t.featured)
    .sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name));
}

/** Builds a catalog URL for a filter, leaving out empty parameters (so "/" stays "/"). */
export function catalogHref(filter: Partial<CatalogFilter>): string {
  const params = new URLSearchParams();
  if (filter.q) params.set("q", filter.q);
  if (filter.category) params.set("category", filter.category);
  const qs = params.toString();
  return qs ? `/?${qs}` : "/";
}
