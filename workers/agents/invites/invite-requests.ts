/**
 * The worker's part that carries out invite requests (lib/invites/requests.ts) for the identities it
 * runs: woken by the NOTIFY of a new request (intake.ts), and polling in case one was missed. Requests
 * are taken one at a time, each on its conversation between join requests (the runtime's
 * withConversation), under a deadline that keeps the row lock within the transaction's limit.
 *
 * The same part keeps what the agent page lists up to date without anyone asking: each identity running
 * here is read once soon after it arrives and every REFRESH_EVERY_MS after (members, name, lock, a spent
 * single-use invite), a few per pass, from the client's local state (its stream keeps it current), so
 * a worker with hundreds of agents makes no burst of work.
 */
import {
  carryOutNextRequest,
  identitiesWithPendingRequests,
  InviteChangeRefused,
  recordConversationState,
  storedInvite,
} from "@/lib/invites/requests";
import type { WorkerContext } from "@/workers/agents/worker/context";
import { withDeadline } from "@/lib/deadlines";
import { repeat } from "@/workers/agents/worker/timers";
import { applyInviteChange, readState } from "./conversation-invites";

/** Longest one change may act on its group. */
const CHANGE_MS = 20_000;
/** How often each conversation's list entry is read again, and how many are read per pass. */
const REFRESH_EVERY_MS = 5 * 60_000;
const REFRESH_PER_PASS = 5;

export interface InviteRequests {
  /** A request was announced: look soon. */
  kick(): void;
  /** Takes no more requests and waits for the one in progress. */
  close(): Promise<void>;
}

/** Starts carrying out the invite requests of the identities running here, every `pollMs` and when kicked. */
export function startInviteRequests(ctx: WorkerContext, pollMs: number): InviteRequests {
  const refreshed = new Map<string, number>();
  /** Reads the few entries most overdue (never read here first), forgetting identities that left. */
  const refresh = async () => {
    const now = Date.now();
    for (const id of refreshed.keys()) if (!ctx.running.has(id)) refreshed.delete(id);
    const due = [...ctx.running.keys()]
      .filter((id) => now - (refreshed.get(id) ?? 0) >= REFRESH_EVERY_MS)
      .slice(0, REFRESH_PER_PASS);
    for (const identityId of due) {
      refreshed.set(identityId, now);
      const stored = await storedInvite(identityId);
      const runtime = ctx.running.get(identityId);
      if (!stored || !runtime) continue;
      const state = await withDeadline(
        runtime.withConversation((c) => readState(c, stored)),
        CHANGE_MS,
        "reading a conversation's invite state",
      );
      await recordConversationState(identityId, state);
    }
  };
  const pass = async () => {
    await refresh().catch((err) => ctx.log.warn({ err }, "refreshing conversation states failed"));
    for (const identityId of await identitiesWithPendingRequests([...ctx.running.keys()])) {
      while (
        await carryOutNextRequest(
          identityId,
          (request, stored) => {
            const runtime = ctx.running.get(identityId);
            if (!runtime)
              throw new InviteChangeRefused(
                "That conversation is moving between workers: try again in a moment.",
              );
            const work = runtime.withConversation((c) =>
              applyInviteChange(c, ctx.identities.home.env, request, stored),
            );
            return withDeadline(work, CHANGE_MS, `invite ${request.action}`);
          },
          (err, request) =>
            ctx.log.warn({ err, identityId, action: request.action }, "an invite change failed"),
          CHANGE_MS,
        )
      );
    }
  };
  const loop = repeat(
    pollMs,
    () => ctx.inFlight.track(pass()),
    (err) => ctx.log.warn({ err }, "carrying out invite requests failed"),
    { jitter: 0.2 },
  );
  return { kick: () => loop.kick(), close: () => loop.close() };
}
