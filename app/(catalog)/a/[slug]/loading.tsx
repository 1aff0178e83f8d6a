/** Placeholder while a template page loads: its shape, without content. */
export default function TemplateLoading() {
  return (
    <div className="flex flex-col gap-8" aria-busy="true">
      <p className="sr-only" role="status">
        Loading agent…
      </p>
      <div className="flex items-center gap-4">
        <div className="size-16 animate-pulse rounded-card bg-line" />
        <div className="h-9 w-64 animate-pulse rounded-lg bg-line" />
      </div>
      <div className="h-6 w-3/4 animate-pulse rounded-lg bg-line" />
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <div className="h-96 animate-pulse rounded-card bg-line" />
        <div className="h-80 animate-pulse rounded-card bg-line" />
      </div>
    </div>
  );
}
