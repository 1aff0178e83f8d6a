import Link from "next/link";

/** An unknown or unpublished template slug (served with HTTP 404). */
export default function TemplateNotFound() {
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center gap-4 py-16 text-center">
      <p className="text-sm font-semibold text-accent">404</p>
      <h1 className="text-2xl font-bold">We couldn&rsquo;t find that agent</h1>
      <p className="text-ink-muted">
        The link may be mistyped, or the agent may have been taken out of the catalog.
      </p>
      <Link
        href="/"
        className="rounded-lg bg-accent px-4 py-2 text-sm font-medium text-accent-ink hover:opacity-90"
      >
        Browse all agents
      </Link>
    </div>
  );
}
