"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * Share and copy-link buttons for a template page: a small client leaf.
 * Results are announced in one aria-live region. Without JavaScript the
 * buttons do nothing, which is why the page also shows the link itself.
 */
export function ShareActions({ url, title }: { url: string; title: string }) {
  const [status, setStatus] = useState("");
  const clearTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(clearTimer.current), []);

  function announce(message: string) {
    setStatus(message);
    clearTimeout(clearTimer.current);
    clearTimer.current = setTimeout(() => setStatus(""), 4000);
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      announce("Link copied");
    } catch {
      announce("Couldn't copy the link; select it and copy it yourself");
    }
  }

  async function share() {
    // The share sheet exists in some browsers only (mostly mobile); elsewhere, sharing means copying the link.
    if (typeof navigator.share !== "function") return copy();
    try {
      await navigator.share({ title, url });
    } catch (error) {
      // The person closed the share sheet: not an error worth announcing.
      if (error instanceof DOMException && error.name === "AbortError") return;
      await copy();
    }
  }

  const button =
    "inline-flex items-center gap-2 rounded-lg border border-line bg-surface px-3 py-2 text-sm font-medium hover:border-accent";
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        <button type="button" onClick={share} className={button} aria-label={`Share ${title}`}>
          <ShareIcon />
          Share
        </button>
        <button type="button" onClick={copy} className={button} aria-label="Copy link to this page">
          <LinkIcon />
          Copy link
        </button>
      </div>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-success">
        {status}
      </p>
    </div>
  );
}

function ShareIcon() {
  return (
    <StrokeIcon>
      <path
        d="M10 13V3m0 0L6.5 6.5M10 3l3.5 3.5M4 10v6a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1v-6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </StrokeIcon>
  );
}

function LinkIcon() {
  return (
    <StrokeIcon>
      <path
        d="M8.5 11.5a3.5 3.5 0 0 0 5 0l2.5-2.5a3.5 3.5 0 0 0-5-5l-1 1M11.5 8.5a3.5 3.5 0 0 0-5 0L4 11a3.5 3.5 0 0 0 5 5l1-1"
        strokeLinecap="round"
      />
    </StrokeIcon>
  );
}

/** A 20×20 stroked icon, hidden from assistive technology (its button carries the label). */
function StrokeIcon({ children }: { children: ReactNode }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 20 20"
      className="size-4"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
    >
      {children}
    </svg>
  );
}
