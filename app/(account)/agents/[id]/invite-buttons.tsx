"use client";
import { useActionState } from "react";
import { ActionStatus, Success } from "@/app/_components/action-status";
import { changeMyInvites } from "./invite-actions";

const BUTTON =
  "rounded-lg border border-line px-2 py-1 text-xs font-medium hover:bg-accent-soft disabled:opacity-60";

/**
 * Revoke and lock (or unlock, when locked) for one conversation: one form, so the announced outcome stays
 * when the page re-renders the row with the other buttons.
 */
export function InviteActions({
  agentId,
  identityId,
  conversation,
  locked,
}: {
  agentId: string;
  identityId: string;
  conversation: string;
  locked: boolean;
}) {
  const [state, formAction, pending] = useActionState(changeMyInvites, null);
  const button = (change: "revoke" | "lock" | "unlock", label: string) => (
    <button
      type="submit"
      name="change"
      value={change}
      disabled={pending}
      aria-label={`${label}: ${conversation}`}
      className={BUTTON}
    >
      {label}
    </button>
  );
  return (
    <form action={formAction} className="flex flex-col gap-1">
      <input type="hidden" name="agentId" value={agentId} />
      <input type="hidden" name="identityId" value={identityId} />
      <div className="flex flex-wrap gap-2">
        {locked ? (
          button("unlock", "Unlock")
        ) : (
          <>
            {button("revoke", "Revoke links")}
            {button("lock", "Lock")}
          </>
        )}
        {pending ? <span className="text-xs text-ink-muted">Working…</span> : null}
      </div>
      <ActionStatus state={state} className="text-xs break-all" done={(d) => <Success message={d.line} />} />
    </form>
  );
}
