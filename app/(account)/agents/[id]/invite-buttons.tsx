"use client";
import { useActionState } from "react";
import { ActionStatus, Success } from "@/app/_components/action-status";
import { changeMyInvites } from "./invite-actions";

const LABEL = { revoke: "Revoke links", lock: "Lock", unlock: "Unlock" } as const;
const PENDING = { revoke: "Revoking…", lock: "Locking…", unlock: "Unlocking…" } as const;

/** Revoke, lock or unlock one conversation, with a pending state and the outcome announced. */
export function InviteChangeButton({
  agentId,
  identityId,
  change,
  conversation,
}: {
  agentId: string;
  identityId: string;
  change: keyof typeof LABEL;
  conversation: string;
}) {
  const [state, formAction, pending] = useActionState(changeMyInvites, null);
  return (
    <form action={formAction} className="flex flex-col gap-1">
      <input type="hidden" name="agentId" value={agentId} />
      <input type="hidden" name="identityId" value={identityId} />
      <input type="hidden" name="change" value={change} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`${LABEL[change]}: ${conversation}`}
        className="rounded-lg border border-line px-2 py-1 text-xs font-medium hover:bg-accent-soft disabled:opacity-60"
      >
        {pending ? PENDING[change] : LABEL[change]}
      </button>
      <ActionStatus state={state} className="text-xs break-all" done={(d) => <Success message={d.line} />} />
    </form>
  );
}
