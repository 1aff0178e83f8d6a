"use client";
/**
 * One of the agent's settings chosen from a list (time zone, greeting): a select, a save button, and the
 * result announced. Each setting brings its server action and says what was saved.
 */
import { useActionState, type ReactNode } from "react";
import { ActionStatus } from "@/app/_components/action-status";
import type { ActionResult } from "@/lib/actions";

export interface SelectSettingFormProps<T> {
  agentId: string;
  /** The form field's name, which the action reads. */
  name: string;
  label: string;
  /** What the save button says ("Save time zone"): each setting's button has a name of its own. */
  saveLabel: string;
  options: { value: string; label: string }[];
  value: string;
  action: (state: ActionResult<T> | null, form: FormData) => Promise<ActionResult<T>>;
  done: (data: T) => ReactNode;
}

export function SelectSettingForm<T>(p: SelectSettingFormProps<T>) {
  const [state, formAction, pending] = useActionState(p.action, null);
  const id = `setting-${p.name}`;
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="agentId" value={p.agentId} />
      <label htmlFor={id} className="text-sm font-medium">
        {p.label}
      </label>
      <select
        id={id}
        name={p.name}
        defaultValue={p.value}
        className="rounded-lg border border-line bg-surface px-2 py-1.5 text-sm"
      >
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg border border-line px-3 py-1.5 text-sm font-medium hover:border-accent disabled:opacity-60"
      >
        {pending ? "Saving…" : p.saveLabel}
      </button>
      <ActionStatus state={state} done={p.done} />
    </form>
  );
}
