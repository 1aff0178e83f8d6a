"use client";
/** The admin page's small forms: each with a pending state and an aria-live result. */
import { useActionState } from "react";
import { ActionStatus, Success } from "@/app/_components/action-status";
import { changeAgent, changeMaxTokenCap, changePool, type AdminState } from "./actions";

function Result({ state }: { state: AdminState }) {
  return <ActionStatus state={state} testId="admin-result" done={(d) => <Success message={d.message} />} />;
}

const button =
  "rounded-lg border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:border-accent disabled:opacity-60";
const input = "w-24 rounded-lg border border-line bg-canvas px-2 py-1.5";

export function PoolControls({ targetIdle }: { targetIdle: number }) {
  const [state, formAction, pending] = useActionState(changePool, null);
  return (
    <div className="flex flex-col gap-3">
      <form action={formAction} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="op" value="target" />
        <label className="flex flex-col gap-1 text-sm font-medium">
          Target idle
          <input
            name="targetIdle"
            type="number"
            min={0}
            max={1000}
            required
            defaultValue={targetIdle}
            key={targetIdle}
            className={input}
          />
        </label>
        <button type="submit" disabled={pending} className={button}>
          Save target
        </button>
      </form>
      <form action={formAction} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="op" value="replenish" />
        <label className="flex flex-col gap-1 text-sm font-medium">
          Replenish by
          <input name="n" type="number" min={1} max={1000} required defaultValue={5} className={input} />
        </label>
        <button type="submit" disabled={pending} className={button}>
          Replenish
        </button>
      </form>
      <form
        action={formAction}
        onSubmit={(e) => {
          if (!window.confirm("Drain the pool? The target becomes 0 and no new identities are made."))
            e.preventDefault();
        }}
      >
        <input type="hidden" name="op" value="drain" />
        <button type="submit" disabled={pending} className={`${button} text-danger`}>
          Drain (target 0)
        </button>
      </form>
      <Result state={state} />
    </div>
  );
}

export function AgentControls({ agentId, status }: { agentId: string; status: string }) {
  const [state, formAction, pending] = useActionState(changeAgent, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="agentId" value={agentId} />
      <button
        type="submit"
        name="op"
        value="restart"
        disabled={pending}
        className={button}
        aria-label={`Restart agent ${agentId}`}
      >
        Restart
      </button>
      {status !== "stopped" ? (
        <button
          type="submit"
          name="op"
          value="kill"
          disabled={pending}
          className={`${button} text-danger`}
          aria-label={`Kill agent ${agentId}`}
        >
          Kill
        </button>
      ) : null}
      <Result state={state} />
    </form>
  );
}

/** The highest token cap owners may set on their agents; empty goes back to the default cap. */
export function MaxTokenCapForm({ maxTokenCap }: { maxTokenCap: number | null }) {
  const [state, formAction, pending] = useActionState(changeMaxTokenCap, null);
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-2">
      <label className="flex flex-col gap-1 text-sm font-medium">
        Highest cap (tokens)
        <input
          name="maxTokenCap"
          type="number"
          min={1}
          step={1}
          defaultValue={maxTokenCap ?? ""}
          key={maxTokenCap ?? "default"}
          placeholder="default cap"
          className="w-36 rounded-lg border border-line bg-canvas px-2 py-1.5"
        />
      </label>
      <button type="submit" disabled={pending} className={button}>
        Save highest cap
      </button>
      <Result state={state} />
    </form>
  );
}
