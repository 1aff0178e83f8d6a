"use client";
import { useActionState } from "react";
import { ActionStatus } from "@/app/_components/action-status";
import { changeTimeZone } from "./settings-actions";

/** The agent's time zone, changeable; the result is announced. */
export function TimeZoneForm({
  agentId,
  timeZone,
  zones,
}: {
  agentId: string;
  timeZone: string;
  zones: string[];
}) {
  const [state, formAction, pending] = useActionState(changeTimeZone, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="agentId" value={agentId} />
      <label htmlFor="time-zone" className="text-sm font-medium">
        Time zone
      </label>
      <select
        id="time-zone"
        name="timeZone"
        defaultValue={timeZone}
        className="rounded-lg border border-line bg-surface px-2 py-1.5 text-sm"
      >
        {zones.map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
      </select>
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg border border-line px-3 py-1.5 text-sm font-medium hover:border-accent disabled:opacity-60"
      >
        {pending ? "Saving…" : "Save time zone"}
      </button>
      <ActionStatus state={state} done={(d) => `Saved: the agent now tells time in ${d.timeZone}.`} />
    </form>
  );
}
