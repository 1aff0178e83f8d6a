"use client";
/** A worker's drain control on /admin: drain (or end the drain), with a pending state and an aria-live result. */
import { useActionState } from "react";
import { ActionStatus, Success } from "@/app/_components/action-status";
import type { AdminState } from "./actions";
import { changeWorkerDrain } from "./worker-actions";

export function DrainButton({ workerId, draining }: { workerId: string; draining: boolean }) {
  const [state, formAction, pending] = useActionState(changeWorkerDrain, null as AdminState);
  const op = draining ? "undrain" : "drain";
  return (
    <form action={formAction} className="flex items-center gap-2">
      <input type="hidden" name="workerId" value={workerId} />
      <input type="hidden" name="op" value={op} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg border border-line bg-surface px-2 py-1 text-xs font-medium hover:border-accent disabled:opacity-60"
        aria-label={`${draining ? "End the drain of" : "Drain"} worker ${workerId}`}
        data-testid="drain-worker"
      >
        {draining ? "Undrain" : "Drain"}
      </button>
      <ActionStatus state={state} className="text-xs" done={(d) => <Success message={d.message} />} />
    </form>
  );
}
