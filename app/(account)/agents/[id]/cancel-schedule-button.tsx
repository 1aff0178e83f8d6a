"use client";
import { useActionState } from "react";
import { cancelMySchedule } from "./schedule-actions";

/** "Cancel" for one reminder or schedule, with a pending state and an announced result. */
export function CancelScheduleButton({
  agentId,
  scheduleId,
  what,
}: {
  agentId: string;
  scheduleId: string;
  what: string;
}) {
  const [state, formAction, pending] = useActionState(cancelMySchedule, null);
  return (
    <form action={formAction} className="flex items-center gap-2">
      <input type="hidden" name="agentId" value={agentId} />
      <input type="hidden" name="scheduleId" value={scheduleId} />
      <button
        type="submit"
        disabled={pending || state?.ok}
        aria-label={`Cancel ${what}`}
        className="rounded-lg border border-line px-2 py-1 text-xs font-medium hover:bg-accent-soft disabled:opacity-60"
      >
        {pending ? "Cancelling…" : "Cancel"}
      </button>
      <span role="status" aria-live="polite" className="text-xs">
        {state && !state.ok ? (
          <span className="text-danger">{state.error.message}</span>
        ) : state?.ok ? (
          "Cancelled"
        ) : null}
      </span>
    </form>
  );
}
