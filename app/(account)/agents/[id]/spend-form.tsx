"use client";
import { useActionState } from "react";
import { ActionStatus, Success } from "@/app/_components/action-status";
import { changeTokenCap } from "./spend-actions";

/** The owner's token cap: a number, a save button, the result announced. */
export function SpendForm({
  agentId,
  cap,
  max,
}: {
  agentId: string;
  cap: number | null;
  max: number | null;
}) {
  const [state, formAction, pending] = useActionState(changeTokenCap, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="agentId" value={agentId} />
      <label htmlFor="setting-token-cap" className="text-sm font-medium">
        Token cap
      </label>
      <input
        id="setting-token-cap"
        name="tokenCap"
        type="number"
        min={1}
        step={1}
        required
        defaultValue={cap ?? undefined}
        key={cap ?? "none"}
        aria-describedby="token-cap-max"
        className="w-36 rounded-lg border border-line bg-surface px-2 py-1.5 text-sm"
      />
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg border border-line px-3 py-1.5 text-sm font-medium hover:border-accent disabled:opacity-60"
      >
        {pending ? "Saving…" : "Save cap"}
      </button>
      <span id="token-cap-max" className="text-sm text-ink-muted">
        {max === null ? "No maximum on this server." : `At most ${max.toLocaleString("en-US")} tokens.`}
      </span>
      <ActionStatus state={state} testId="token-cap-result" done={(d) => <Success message={d.message} />} />
    </form>
  );
}
