/**
 * The owner's view of who steers the agent and who may talk to it: the
 * operators (profile name and inbox id, each removable), the one-time
 * operator code (shown only here), and the allowlist. While nobody steers the
 * agent, the code is how its owner becomes the first operator, and the card
 * says so first (lib/agents/operators.ts explains why not the first to join).
 */
import { CopyButton } from "@/app/_components/copy-button";
import type { OperatorsView } from "@/lib/agents/operators";
import { AllowForm, DenyButton, OperatorCodeForm, RemoveOperatorButton } from "./operator-forms";

function Code({ code }: { code: string }) {
  return (
    <span className="flex flex-wrap items-center gap-3">
      <code
        className="rounded-lg border border-line bg-accent-soft px-3 py-1.5 font-mono text-lg font-semibold tracking-widest"
        data-testid="operator-code"
      >
        {code}
      </code>
      <CopyButton text={code} label="Copy the operator code">
        Copy
      </CopyButton>
    </span>
  );
}

/** No operator yet: the owner's code, what to do with it, and why it takes a code. */
function FirstOperator({
  agentId,
  agentName,
  code,
}: {
  agentId: string;
  agentName: string;
  code: string | null;
}) {
  return (
    <div className="flex flex-col gap-2" data-testid="first-operator">
      <h3 className="text-sm font-semibold">Become its operator</h3>
      <p className="text-sm">
        Nobody steers {agentName} yet. Join its conversation in Convos, then post this code there as a
        message:
      </p>
      {code ? <Code code={code} /> : null}
      <p className="text-sm">
        {agentName} then makes you its operator: you can send /help, /policy, /invite, /join and its other
        commands. Until someone posts the code, nobody can use them, and whoever tries is told how to get
        them. {agentName} still answers people as its policy says.
      </p>
      <p className="text-sm text-ink-muted">
        Why a code: anyone who gets the invite link can join the conversation, even before you do, so joining
        first proves nothing, and a name can be copied. The code is shown only to you, here, and works once.
        If someone else may have seen it, make a new one.
      </p>
      <OperatorCodeForm agentId={agentId} hasCode={code !== null} firstOperator />
    </div>
  );
}

export function Operators({
  agentId,
  agentName,
  view,
}: {
  agentId: string;
  agentName: string;
  view: OperatorsView;
}) {
  return (
    <div className="flex flex-col gap-4">
      {view.operators.length === 0 ? (
        <FirstOperator agentId={agentId} agentName={agentName} code={view.operatorCode} />
      ) : (
        <>
          <div className="flex flex-col gap-2">
            <h3 className="text-sm font-semibold">Operators</h3>
            <ul className="flex flex-col gap-2" data-testid="operators">
              {view.operators.map((o) => (
                <li key={o.inboxId} className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                  <span className="font-medium">{o.name ?? "Somebody"}</span>
                  <code className="break-all text-xs text-ink-muted">{o.inboxId}</code>
                  <RemoveOperatorButton agentId={agentId} inboxId={o.inboxId} label={o.name ?? o.inboxId} />
                </li>
              ))}
            </ul>
          </div>
          <div className="flex flex-col gap-2">
            <h3 className="text-sm font-semibold">Operator code</h3>
            {view.operatorCode ? (
              <>
                <p className="text-sm">
                  Whoever posts this code in the agent&apos;s conversation becomes an operator. It works once.
                </p>
                <Code code={view.operatorCode} />
              </>
            ) : (
              <p className="text-sm text-ink-muted">
                A one-time code makes whoever posts it in the chat an operator.
              </p>
            )}
            <OperatorCodeForm agentId={agentId} hasCode={view.operatorCode !== null} />
          </div>
        </>
      )}
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
