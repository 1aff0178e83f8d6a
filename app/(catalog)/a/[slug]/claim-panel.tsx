"use client";
/**
 * The template page's launch controls for a signed-in user: "Launch agent",
 * "Add to my conversation" (a pasted invite) and "Add by inbox id" (a direct
 * add: the user adds the agent in Convos), each a form with a pending
 * state; errors go to an aria-live region, the result shows the invite and a
 * live status. Each click carries an Idempotency-Key (see useClickKeys), so a
 * double submit or a retry of one click launches one agent.
 */
import Link from "next/link";
import { type FormEvent, useActionState, useMemo, useRef, useState } from "react";
import { useFormStatus } from "react-dom";
import { AgentStatus } from "@/app/_components/agent-status";
import { InviteCard } from "@/app/_components/invite-card";
import type { ActionResult } from "@/lib/actions";
import { addByInboxId, addToConversation, launch, type ClaimView } from "./actions";

type State = ActionResult<ClaimView> | null;

export function ClaimPanel({ slug, name }: { slug: string; name: string }) {
  // One state for both forms: the latest result is what the person just asked for.
  const [result, claimAction] = useActionState<State, FormData>((_state, form) => {
    // The agent tells time in the owner's zone (changeable on the agent's page).
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const key = form.get("idempotencyKey")?.toString() || undefined;
    const intent = form.get("intent");
    if (intent === "direct") return addByInboxId(slug, timeZone, key);
    return intent === "add"
      ? addToConversation(slug, String(form.get("inviteUrl") ?? ""), timeZone, key)
      : launch(slug, timeZone, key);
  }, null);
  const [adding, setAdding] = useState(false);
  const stampKey = useClickKeys(result);

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap gap-3">
        <form action={claimAction} onSubmit={stampKey}>
          <input type="hidden" name="intent" value="launch" />
          <input type="hidden" name="idempotencyKey" />
          <SubmitButton label="Launch agent" pendingLabel="Launching…" primary />
        </form>
        <button
          type="button"
          aria-expanded={adding}
          aria-controls="add-form"
          onClick={() => setAdding((v) => !v)}
          className="rounded-lg border border-line bg-surface px-5 py-2.5 font-medium hover:border-accent"
        >
          Add to my conversation
        </button>
        <form action={claimAction} onSubmit={stampKey}>
          <input type="hidden" name="intent" value="direct" />
          <input type="hidden" name="idempotencyKey" />
          <SubmitButton label="Add by inbox id" pendingLabel="Claiming…" />
        </form>
      </div>

      {adding ? (
        <form
          id="add-form"
          action={claimAction}
          onSubmit={stampKey}
          className="flex max-w-2xl flex-col gap-2 rounded-card border border-line bg-surface p-4"
        >
          <input type="hidden" name="intent" value="add" />
          <input type="hidden" name="idempotencyKey" />
          <label htmlFor="invite-url" className="text-sm font-medium">
            Invite link of your conversation
          </label>
          <input
            id="invite-url"
            name="inviteUrl"
            required
            placeholder="https://popup.convos.org/v2?i=…"
            className="rounded-lg border border-line bg-canvas px-3 py-2 font-mono text-xs"
          />
          <p className="text-xs text-ink-muted">
            In Convos, open the conversation&apos;s info and copy its invite link.
          </p>
          <div>
            <SubmitButton label="Add agent" pendingLabel="Checking the invite…" />
          </div>
        </form>
      ) : null}

      <div aria-live="polite" data-testid="claim-result">
        {result && !result.ok ? (
          <p
            role="alert"
            className="rounded-lg bg-danger-soft px-4 py-3 text-sm text-danger"
            data-code={result.error.code}
          >
            {result.error.message}
            {result.error.code === "unauthenticated" ? (
              <>
                {" "}
                <Link href={`/signin?callbackUrl=${encodeURIComponent(`/a/${slug}`)}`} className="underline">
                  Sign in
                </Link>
              </>
            ) : null}
          </p>
        ) : null}
        {result?.ok ? <ClaimResult claim={result.data} name={name} /> : null}
      </div>
    </div>
  );
}

/**
 * One Idempotency-Key per click, written into the submitted form's hidden `idempotencyKey` input before
 * React reads the form: a form submitted again before a result arrives (a double submit, a retry of the
 * same click) sends the same key, so it claims once; once a result is shown, the next submit is a new
 * click with a new key. Each form (intent) has its own key, since a key belongs to one request.
 */
function useClickKeys(result: State): (event: FormEvent<HTMLFormElement>) => void {
  const keys = useRef(new Map<string, { key: string; before: State }>());
  return (event) => {
    const form = event.currentTarget;
    const intent = String(new FormData(form).get("intent"));
    let held = keys.current.get(intent);
    if (!held || held.before !== result) {
      held = { key: randomKey(), before: result };
      keys.current.set(intent, held);
    }
    const input = form.elements.namedItem("idempotencyKey");
    if (input instanceof HTMLInputElement) input.value = held.key;
  };
}

/** 128 random bits as hex (crypto.getRandomValues works on plain http too, unlike randomUUID). */
function randomKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

function ClaimResult({ claim, name }: { claim: ClaimView; name: string }) {
  const initial = useMemo(
    () => ({
      id: claim.agentId,
      status: claim.status,
      source: claim.joined ? ("join" as const) : claim.inboxId ? ("direct" as const) : ("launch" as const),
      failureReason: null,
      liveAt: null,
      firstJoinedAt: null,
      stoppedAt: null,
    }),
    [claim],
  );
  return (
    <section
      aria-labelledby="claim-title"
      className="flex flex-col gap-3 rounded-card border border-line bg-surface p-5"
    >
      <h2 id="claim-title" className="text-lg font-semibold">
        {claim.joined ? `${name} is joining your conversation` : `${name} is ready`}
      </h2>
      {claim.inviteUrl && claim.inviteQrSrc ? (
        <>
          <p className="text-sm text-ink-muted">
            Scan the QR code with Convos, or open or share the invite link.
          </p>
          <InviteCard id={claim.agentId} url={claim.inviteUrl} qrSrc={claim.inviteQrSrc} name={name} />
        </>
      ) : null}
      {claim.inboxId ? <AddByInboxId claim={claim} name={name} /> : null}
      <AgentStatus initial={initial} />
      <Link href={`/agents/${claim.agentId}`} className="text-sm text-accent underline">
        See this agent on My agents
      </Link>
    </section>
  );
}

/** A direct add's inbox id, its QR code and link: what the person adds in Convos within the time limit. */
function AddByInboxId({ claim, name }: { claim: ClaimView; name: string }) {
  return (
    <div className="flex flex-col gap-2">
      <p className="text-sm text-ink-muted">
        In Convos, add {name} to one of your conversations by this inbox id within {claim.addWithinMinutes}{" "}
        minutes; it goes live there. Otherwise it goes back to the pool.
      </p>
      {/* A data URL made by the action: nothing for next/image to optimise. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={claim.addQrSrc} alt={`QR code of ${name}'s inbox id`} width={224} height={224} />
      <code
        data-testid="agent-inbox-id"
        className="break-all rounded-lg bg-canvas px-3 py-2 font-mono text-xs"
      >
        {claim.inboxId}
      </code>
      {claim.addLink ? (
        <a href={claim.addLink} className="text-sm text-accent underline">
          Open in Convos
        </a>
      ) : null}
    </div>
  );
}

function SubmitButton({
  label,
  pendingLabel,
  primary = false,
}: {
  label: string;
  pendingLabel: string;
  primary?: boolean;
}) {
  const { pending } = useFormStatus();
  const style = primary
    ? "bg-accent text-accent-ink shadow-sm hover:opacity-90"
    : "border border-line bg-surface hover:border-accent";
  return (
    <button
      type="submit"
      disabled={pending}
      className={`rounded-lg px-5 py-2.5 font-medium disabled:opacity-60 ${style}`}
    >
      {pending ? pendingLabel : label}
    </button>
  );
}
