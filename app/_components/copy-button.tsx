"use client";
import { useEffect, useRef, useState } from "react";

/** Copies `text` to the clipboard and announces the result in its own aria-live region. */
export function CopyButton({
  text,
  label,
  children,
}: {
  text: string;
  label: string;
  children: React.ReactNode;
}) {
  const [status, setStatus] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setStatus("Copied");
    } catch {
      setStatus("Couldn't copy; select the link and copy it yourself");
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setStatus(""), 4000);
  }

  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={copy}
        aria-label={label}
        className="rounded-lg border border-line bg-surface px-3 py-2 text-sm font-medium hover:border-accent"
      >
        {children}
      </button>
      <span role="status" aria-live="polite" className="text-sm text-success">
        {status}
      </span>
    </span>
  );
}
