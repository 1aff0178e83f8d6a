"use client";
import { useActionState } from "react";
import { ActionStatus } from "@/app/_components/action-status";
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
      <ActionStatus state={state} className="text-xs" done={() => "Cancelled"} />
    </form>
  );
}
