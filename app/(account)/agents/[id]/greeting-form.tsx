"use client";
import { useActionState } from "react";
import { ActionStatus } from "@/app/_components/action-status";
import type { GreetingChoice } from "@/lib/agents/greeting";
import { changeGreeting } from "./settings-actions";

const LABELS: Record<GreetingChoice, string> = {
  default: "Default: greet in a new conversation, stay quiet when added or joining",
  greet: "Always greet on arrival",
  quiet: "Never greet: answer when spoken to",
};

const DONE: Record<GreetingChoice, string> = {
  default: "Saved: the agent greets as the default says.",
  greet: "Saved: the agent greets when it arrives.",
  quiet: "Saved: the agent no longer greets.",
};

/** Whether the agent greets when it arrives in a conversation; the result is announced. */
export function GreetingForm({ agentId, greeting }: { agentId: string; greeting: GreetingChoice }) {
  const [state, formAction, pending] = useActionState(changeGreeting, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="agentId" value={agentId} />
      <label htmlFor="greeting" className="text-sm font-medium">
        Greeting
      </label>
      <select
        id="greeting"
        name="greeting"
        defaultValue={greeting}
        className="rounded-lg border border-line bg-surface px-2 py-1.5 text-sm"
      >
        {(Object.keys(LABELS) as GreetingChoice[]).map((choice) => (
          <option key={choice} value={choice}>
            {LABELS[choice]}
          </option>
        ))}
      </select>
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg border border-line px-3 py-1.5 text-sm font-medium hover:border-accent disabled:opacity-60"
      >
        {pending ? "Saving…" : "Save greeting"}
      </button>
      <ActionStatus state={state} done={(d) => DONE[d.greeting]} />
    </form>
  );
}
