"use client";

import { useLinkStatus } from "next/link";

/**
 * The catalog's loading state. Loading boundaries (loading.tsx) can't be used
 * on these pages: they would fix the status at 200 before a 404 and leave
 * visitors without JavaScript on the fallback. Instead, a link being followed
 * shows this small spinner while the next page renders. Must be a child of a
 * next/link <Link>.
 */
export function LinkPending({ className = "" }: { className?: string }) {
  const { pending } = useLinkStatus();
  return (
    <span
      aria-hidden="true"
      data-link-pending
      // `display` comes from one class only: with both `inline-block` and `hidden` on
      // the element, `inline-block` won and every idle link showed a spinner.
      className={`size-3.5 shrink-0 rounded-full border-2 border-current border-r-transparent align-middle motion-safe:animate-spin ${
        pending ? "inline-block opacity-70" : "hidden"
      } ${className}`}
    />
  );
}
