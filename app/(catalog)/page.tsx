/**
 * The catalog (`/`): featured templates, all templates by category, search
 * and a category filter that work without JavaScript (the URL holds the
 * filter), and how many agents are ready to launch now.
 *
 * Deliberately no loading.tsx here (nor in (catalog)): a loading boundary
 * streams the content after the fallback and reveals it with an inline
 * script, so without JavaScript the visitor would see "Loading…" forever; a
 * boundary in (catalog) would also wrap /a/[slug] and turn its 404 into a 200.
 */
import Link from "next/link";
import { CatalogFilterBar } from "@/app/(catalog)/_components/catalog-filter";
import { ReadyNow } from "@/app/(catalog)/_components/ready-now";
import { TemplateGrid } from "@/app/(catalog)/_components/template-card";
import {
  categoryLabel,
  featuredTemplates,
  filterTemplates,
  groupByCategory,
  parseCatalogFilter,
  summarizeCategories,
} from "@/lib/templates/catalog";
import { countReadyNow, listPublishedTemplates } from "@/lib/templates/queries";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function CatalogPage({ searchParams }: { searchParams: SearchParams }) {
  const filter = parseCatalogFilter(await searchParams);
  const [templates, readyNow] = await Promise.all([listPublishedTemplates(), countReadyNow()]);
  const categories = summarizeCategories(templates);
  const filtering = filter.q !== "" || filter.category !== "";
  const results = filtering ? filterTemplates(templates, filter) : templates;
  const featured = filtering ? [] : featuredTemplates(templates);

  return (
    <div className="flex flex-col gap-10">
      <section aria-labelledby="catalog-title" className="flex flex-col gap-4">
        <h1 id="catalog-title" className="text-3xl font-bold tracking-tight sm:text-4xl">
          Agents for your group chats
        </h1>
        <p className="max-w-2xl text-lg text-ink-muted">
          Pick an agent, scan its code with the Convos app, and it joins your end-to-end encrypted
          conversation in a second.
        </p>
        <ReadyNow count={readyNow} />
      </section>

      <CatalogFilterBar filter={filter} categories={categories} />

      {featured.length > 0 ? (
        <section aria-labelledby="featured-title" className="flex flex-col gap-4">
          <h2 id="featured-title" className="text-xl font-semibold">
            Featured
          </h2>
          <TemplateGrid templates={featured} headingLevel={3} />
        </section>
      ) : null}

      <section aria-labelledby="all-title" className="flex flex-col gap-8">
        <div className="flex flex-col gap-1">
          <h2 id="all-title" className="text-xl font-semibold">
            {filtering ? "Results" : "All agents"}
          </h2>
          {filtering ? (
            <p className="text-sm text-ink-muted" role="status">
              {describeResults(results.length, filter.q, filter.category)}{" "}
              <Link href="/" className="text-accent underline">
                Clear filters
              </Link>
            </p>
          ) : null}
        </div>
        {results.length === 0 ? (
          <div className="rounded-card border border-dashed border-line bg-surface p-8 text-center">
            <p className="font-medium">No agents match your search.</p>
            <p className="mt-1 text-sm text-ink-muted">
              Try another word, or{" "}
              <Link href="/" className="text-accent underline">
                browse all agents
              </Link>
              .
            </p>
          </div>
        ) : (
          groupByCategory(results).map((group) => (
            <section
              key={group.category}
              aria-labelledby={`category-${group.category}`}
              className="flex flex-col gap-4"
            >
              <h3 id={`category-${group.category}`} className="text-lg font-semibold text-ink-muted">
                {group.label}
              </h3>
              <TemplateGrid templates={group.templates} headingLevel={4} />
            </section>
          ))
        )}
      </section>
    </div>
  );
}

function describeResults(count: number, q: string, category: string): string {
  const what = `${count} ${count === 1 ? "agent" : "agents"}`;
  const where = category ? ` in ${categoryLabel(category)}` : "";
  return q ? `${what} matching “${q}”${where}.` : `${what}${where}.`;
}
