"use client";
import { useActionState } from "react";
import { ActionStatus } from "@/app/_components/action-status";
import type { DeleteState } from "./privacy-actions";

/**
 * A delete button with a confirmation, a pending state and an announced result (the agent's or the
 * account's: `fields` are the action's hidden inputs). On success the action redirects.
 */
export function DeleteButton({
  action,
  fields,
  label,
  confirm,
}: {
  action: (state: DeleteState, form: FormData) => Promise<DeleteState>;
  fields: Record<string, string>;
  label: string;
  confirm: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form
      action={formAction}
      onSubmit={(event) => {
        if (!window.confirm(confirm)) event.preventDefault();
      }}
      className="flex flex-wrap items-center gap-2"
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg border border-danger px-3 py-1.5 text-sm font-medium text-danger hover:bg-danger-soft disabled:opacity-60"
      >
        {pending ? "Deleting… (leaving its conversations first)" : label}
      </button>
      <ActionStatus state={state} done={() => "Deleted"} />
    </form>
  );
}
