"use client";
/** The agent page's small forms for operators, the operator code and the allowlist, each with an announced result. */
import { useActionState } from "react";
import { ActionStatus } from "@/app/_components/action-status";
import {
  changeMyAgentAllowlist,
  changeMyAgentOperatorCode,
  removeMyAgentOperator,
  type OperatorActionState,
} from "@/app/(account)/agents/actions";

const button =
  "rounded-lg border border-line px-2.5 py-1 text-sm font-medium hover:bg-accent-soft disabled:opacity-60";

function Result({ state }: { state: OperatorActionState }) {
  return <ActionStatus state={state} done={(d) => d.message} />;
}

/** A "Remove" button that posts `fields` to `action`; `label` names what it removes for screen readers. */
function RemoveButton({
  action,
  fields,
  label,
}: {
  action: (state: OperatorActionState, form: FormData) => Promise<OperatorActionState>;
  fields: Record<string, string>;
  label: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex items-center gap-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" disabled={pending} className={`${button} text-danger`} aria-label={label}>
        Remove
      </button>
      <Result state={state} />
    </form>
  );
}

export function RemoveOperatorButton({
  agentId,
  inboxId,
  label,
}: {
  agentId: string;
  inboxId: string;
  label: string;
}) {
  return (
    <RemoveButton
      action={removeMyAgentOperator}
      fields={{ agentId, inboxId }}
      label={`Remove operator ${label}`}
    />
  );
}

/** Makes a new code (or withdraws it); `firstOperator`: the code for the first operator, never withdrawn. */
export function OperatorCodeForm({
  agentId,
  hasCode,
  firstOperator = false,
}: {
  agentId: string;
  hasCode: boolean;
  firstOperator?: boolean;
}) {
  const [state, formAction, pending] = useActionState(changeMyAgentOperatorCode, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="agentId" value={agentId} />
      <button type="submit" name="op" value="create" disabled={pending} className={button}>
        {hasCode ? "New operator code" : "Create an operator code"}
      </button>
      {hasCode && !firstOperator ? (
        <button type="submit" name="op" value="cancel" disabled={pending} className={button}>
          Withdraw the code
        </button>
      ) : null}
      <Result state={state} />
    </form>
  );
}

export function AllowForm({ agentId }: { agentId: string }) {
  const [state, formAction, pending] = useActionState(changeMyAgentAllowlist, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="agentId" value={agentId} />
      <input type="hidden" name="op" value="allow" />
      <label className="flex items-center gap-2 text-sm">
        Inbox id
        <input
          name="inboxId"
          required
          maxLength={200}
          className="w-96 max-w-full rounded-lg border border-line bg-surface px-2 py-1 font-mono text-sm"
        />
      </label>
      <button type="submit" disabled={pending} className={button}>
        Allow
      </button>
      <Result state={state} />
    </form>
  );
}

export function DenyButton({ agentId, inboxId }: { agentId: string; inboxId: string }) {
  return (
    <RemoveButton
      action={changeMyAgentAllowlist}
      fields={{ agentId, inboxId, op: "deny" }}
      label={`Take ${inboxId} off the allowlist`}
    />
  );
}
