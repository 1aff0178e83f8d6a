/**
 * The owner's view of who steers the agent and who may talk to it: the
 * operators (profile name and inbox id, each removable), the one-time
 * operator code (shown only here), and the allowlist.
 */
import type { OperatorsView } from "@/lib/agents/operators";
import { AllowForm, DenyButton, OperatorCodeForm, RemoveOperatorButton } from "./operator-forms";

export function Operators({ agentId, view }: { agentId: string; view: OperatorsView }) {
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-col gap-2">
        <h3 className="text-sm font-semibold">Operators</h3>
        {view.operators.length === 0 ? (
          <p className="text-sm text-ink-muted">
            None yet: the first person to join the agent&apos;s conversation becomes its operator.
          </p>
        ) : (
          <ul className="flex flex-col gap-2" data-testid="operators">
            {view.operators.map((o) => (
              <li key={o.inboxId} className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                <span className="font-medium">{o.name ?? "Somebody"}</span>
                <code className="break-all text-xs text-ink-muted">{o.inboxId}</code>
                <RemoveOperatorButton agentId={agentId} inboxId={o.inboxId} label={o.name ?? o.inboxId} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="flex flex-col gap-2">
        <h3 className="text-sm font-semibold">Operator code</h3>
        {view.operatorCode ? (
          <p className="text-sm">
            Whoever posts{" "}
            <code className="font-mono font-semibold" data-testid="operator-code">
              {view.operatorCode}
            </code>{" "}
            in the agent&apos;s conversation becomes an operator. The code works once.
          </p>
        ) : (
          <p className="text-sm text-ink-muted">
            A one-time code makes whoever posts it in the chat an operator.
          </p>
        )}
        <OperatorCodeForm agentId={agentId} hasCode={view.operatorCode !== null} />
      </div>
      <div className="flex flex-col gap-2">
        <h3 className="text-sm font-semibold">Allowlist</h3>
        <p className="text-sm text-ink-muted">
          Under the allowlist policy the agent answers only these people (and its operators). Operators can
          also use /allow and /deny in the chat.
        </p>
        {view.allowlist.length > 0 ? (
          <ul className="flex flex-col gap-2" data-testid="allowlist">
            {view.allowlist.map((inboxId) => (
              <li key={inboxId} className="flex flex-wrap items-center gap-3 text-sm">
                <code className="break-all text-xs">{inboxId}</code>
                <DenyButton agentId={agentId} inboxId={inboxId} />
              </li>
            ))}
          </ul>
        ) : null}
        <AllowForm agentId={agentId} />
      </div>
    </div>
  );
}
