/** Placeholder while the catalog loads: the page's shape, without content. */
export default function CatalogLoading() {
  return (
    <div className="flex flex-col gap-10" aria-busy="true">
      <p className="sr-only" role="status">
        Loading agents…
      </p>
      <div className="flex flex-col gap-4">
        <div className="h-10 w-2/3 animate-pulse rounded-lg bg-line" />
        <div className="h-6 w-1/2 animate-pulse rounded-lg bg-line" />
      </div>
      <div className="h-10 w-full animate-pulse rounded-lg bg-line" />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="h-40 animate-pulse rounded-card bg-line" />
        ))}
      </div>
    </div>
  );
}
