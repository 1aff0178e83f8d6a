import Link from "next/link";
import { LinkPending } from "./link-pending";
import { catalogHref, type CatalogFilter, type CategorySummary } from "@/lib/templates/catalog";

/**
 * Search and category filter that work without JavaScript: a plain GET form
 * (`?q=`, keeping the chosen category in a hidden field) and category links
 * (keeping the search). The server renders the filtered result either way.
 */
export function CatalogFilterBar({
  filter,
  categories,
}: {
  filter: CatalogFilter;
  categories: CategorySummary[];
}) {
  return (
    <div className="flex flex-col gap-4">
      <form action="/" method="get" role="search" className="flex gap-2">
        <label htmlFor="catalog-search" className="sr-only">
          Search agents
        </label>
        <input
          id="catalog-search"
          type="search"
          name="q"
          defaultValue={filter.q}
          maxLength={100}
          placeholder="Search by name or skill"
          className="min-w-0 flex-1 rounded-lg border border-line bg-surface px-3 py-2 text-sm placeholder:text-ink-muted"
        />
        {filter.category ? <input type="hidden" name="category" value={filter.category} /> : null}
        <button
          type="submit"
          className="rounded-lg bg-accent px-4 py-2 text-sm font-medium text-accent-ink hover:opacity-90"
        >
          Search
        </button>
      </form>
      <nav aria-label="Categories">
        <ul className="flex flex-wrap gap-2">
          <li>
            <CategoryLink href={catalogHref({ q: filter.q })} current={filter.category === ""}>
              All
            </CategoryLink>
          </li>
          {categories.map((c) => (
            <li key={c.category}>
              <CategoryLink
                href={catalogHref({ q: filter.q, category: c.category })}
                current={filter.category === c.category}
              >
                {c.label} <span className="text-xs opacity-75">{c.count}</span>
              </CategoryLink>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}

function CategoryLink({
  href,
  current,
  children,
}: {
  href: string;
  current: boolean;
  children: React.ReactNode;
}) {
  return (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className={
        current
          ? "inline-flex items-center gap-1 rounded-full bg-accent px-3 py-1 text-sm font-medium text-accent-ink"
          : "inline-flex items-center gap-1 rounded-full border border-line bg-surface px-3 py-1 text-sm text-ink hover:border-accent"
      }
    >
      {children}
      <LinkPending />
    </Link>
  );
}
