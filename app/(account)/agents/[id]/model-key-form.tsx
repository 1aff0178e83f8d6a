"use client";
import { useActionState } from "react";
import { ActionStatus, Success } from "@/app/_components/action-status";
import { raiseModelKeyLimit } from "./model-key-actions";

/** The button that raises the agent's key limit by one step, with the result announced. */
export function RaiseLimitForm({ agentId, step, max }: { agentId: string; step: string; max: string }) {
  const [state, formAction, pending] = useActionState(raiseModelKeyLimit, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="agentId" value={agentId} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg border border-line px-3 py-1.5 text-sm font-medium hover:border-accent disabled:opacity-60"
      >
        {pending ? "Raising…" : `Raise the limit by ${step} (up to ${max})`}
      </button>
      <ActionStatus
        state={state}
        done={(d) => <Success message={`Raised: the limit is now $${d.limit.toFixed(2)}.`} />}
        testId="model-key-status"
      />
    </form>
  );
}
