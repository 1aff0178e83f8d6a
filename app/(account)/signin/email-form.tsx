"use client";
import { useActionState } from "react";
import type { SignInState } from "./actions";

/** An e-mail sign-in form with its pending state and an announced error. */
export function EmailForm({
  action,
  callbackUrl,
  label,
  submitLabel,
  testId,
}: {
  action: (state: SignInState, form: FormData) => Promise<SignInState>;
  callbackUrl: string;
  label: string;
  submitLabel: string;
  testId: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const inputId = `${testId}-email`;
  return (
    <form action={formAction} className="flex flex-col gap-2" data-testid={testId}>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label htmlFor={inputId} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={inputId}
        name="email"
        type="email"
        required
        autoComplete="email"
        className="rounded-lg border border-line bg-surface px-3 py-2"
      />
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg bg-accent px-4 py-2 font-medium text-accent-ink disabled:opacity-60"
      >
        {pending ? "Working…" : submitLabel}
      </button>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-danger">
        {state.error}
      </p>
    </form>
  );
}
