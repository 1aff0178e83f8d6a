/**
 * The worker's part that carries out provider events (lib/providers/events.ts: an e-mail or a text received,
 * recorded by a webhook) for the agents whose owner conversation runs here: each event's line is posted into
 * that conversation, after the work already queued there. Woken by the NOTIFY of a new event (intake.ts) and
 * polling in case one was missed. Each conversation's events go out in the order received, several
 * conversations at once (LANES). An event is taken with its row held, so two workers never post it twice;
 * a crash between the send and the commit posts it again once (a notice twice beats a notice lost).
 */
import {
  carryOutNextProviderEvent,
  ownerConversationsWithEvents,
  type ProviderEventRow,
} from "@/lib/providers/events";
import { withDeadline } from "@/lib/deadlines";
import type { WorkerContext } from "@/workers/agents/worker/context";
import { Slots } from "@/lib/slots";
import { repeat } from "@/workers/agents/worker/timers";

/** Conversations posted to at once: each one's lines go out in order, several conversations in parallel. */
const LANES = 16;
/** Longest one line may take to go out. */
const POST_MS = 20_000;
/** The longest line posted; a provider's line is meant to be one short sentence. */
export const PROVIDER_LINE_MAX_CHARS = 300;

export interface ProviderEvents {
  /** An event was announced: look soon. */
  kick(): void;
  /** Takes no more events and waits for the pass in progress. */
  close(): Promise<void>;
}

/** The line an event carries (payload.line), in one line and cut short; undefined when there is none. */
export function eventLine(event: Pick<ProviderEventRow, "payload">): string | undefined {
  const payload = event.payload as { line?: unknown } | null;
  if (typeof payload?.line !== "string") return undefined;
  const line = payload.line
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!line) return undefined;
  return line.length <= PROVIDER_LINE_MAX_CHARS ? line : `${line.slice(0, PROVIDER_LINE_MAX_CHARS - 1)}…`;
}

/** Starts posting the provider events of the agents running here, every `pollMs` and when kicked. */
export function startProviderEvents(ctx: WorkerContext, pollMs: number): ProviderEvents {
  const post = async (identityId: string, event: ProviderEventRow) => {
    const line = eventLine(event);
    if (line === undefined) return; // nothing to say: done
    const runtime = ctx.running.get(identityId);
    if (!runtime) throw new Error("the conversation is moving between workers");
    const sent = await withDeadline(runtime.post(line), POST_MS, `posting a ${event.provider} event`);
    if (!sent) throw new Error("the conversation was closing");
    ctx.log.info(
      { agentId: event.agentId, provider: event.provider, kind: event.kind },
      "provider event posted",
    );
  };
  const lanes = new Slots(LANES);
  /** Posts one agent's waiting events in order; a failure ends the lane until the next pass (backoff). */
  const lane = async (agentId: string, identityId: string) => {
    for (;;) {
      if (ctx.signal.aborted) return;
      const taken = await carryOutNextProviderEvent([agentId], (event) => post(identityId, event));
      if (!taken || taken.failed) return;
    }
  };
  const pass = async () => {
    const waiting = await ownerConversationsWithEvents([...ctx.running.keys()]);
    await Promise.all(waiting.map((w) => lanes.run(() => lane(w.agentId, w.identityId))));
  };
  const loop = repeat(
    pollMs,
    () => ctx.inFlight.track(pass()),
    (err) => ctx.log.warn({ err }, "carrying out provider events failed"),
    { jitter: 0.2 },
  );
  return { kick: () => loop.kick(), close: () => loop.close() };
}
