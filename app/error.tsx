"use client";

import Link from "next/link";
import { useEffect } from "react";

/**
 * Shown when a page fails to render (e.g. the database is unreachable). The
 * message stays generic (server errors reach the client as a digest only);
 * the digest lets an operator find the error in the server log.
 */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <div role="alert" className="mx-auto flex max-w-lg flex-col items-center gap-4 py-16 text-center">
      <h1 className="text-2xl font-bold">Something went wrong</h1>
      <p className="text-ink-muted">This page couldn&rsquo;t be loaded. Please try again in a moment.</p>
      {error.digest ? <p className="font-mono text-xs text-ink-muted">Reference: {error.digest}</p> : null}
      <div className="flex gap-3">
        <button
          type="button"
          onClick={reset}
          className="rounded-lg bg-accent px-4 py-2 text-sm font-medium text-accent-ink hover:opacity-90"
        >
          Try again
        </button>
        <Link
          href="/"
          className="rounded-lg border border-line bg-surface px-4 py-2 text-sm font-medium hover:border-accent"
        >
          Go to the catalog
        </Link>
      </div>
    </div>
  );
}
