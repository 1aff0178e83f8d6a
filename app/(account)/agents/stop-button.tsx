"use client";
import { useActionState } from "react";
import { ActionStatus } from "@/app/_components/action-status";
import { stopMyAgent } from "./actions";

/** "Stop agent" with a confirmation, a pending state and an announced result. */
export function StopButton({ agentId, name }: { agentId: string; name: string }) {
  const [state, formAction, pending] = useActionState(stopMyAgent, null);
  return (
    <form
      action={formAction}
      onSubmit={(event) => {
        if (!window.confirm(`Stop ${name}? It leaves its conversations and cannot be restarted by you.`))
          event.preventDefault();
      }}
      className="flex items-center gap-2"
    >
      <input type="hidden" name="agentId" value={agentId} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg border border-danger px-3 py-1.5 text-sm font-medium text-danger hover:bg-danger-soft disabled:opacity-60"
      >
        {pending ? "Stopping…" : "Stop agent"}
      </button>
      <ActionStatus state={state} done={() => "Stopped"} />
    </form>
  );
}
