import Link from "next/link";

/** Any URL that matches no page (served with HTTP 404). */
export default function NotFound() {
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center gap-4 py-16 text-center">
      <p className="text-sm font-semibold text-accent">404</p>
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="text-ink-muted">There is nothing at this address.</p>
      <Link
        href="/"
        className="rounded-lg bg-accent px-4 py-2 text-sm font-medium text-accent-ink hover:opacity-90"
      >
        Go to the catalog
      </Link>
    </div>
  );
}
