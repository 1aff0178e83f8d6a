/**
 * The worker's part that carries out invite requests (lib/invites/requests.ts) for the identities it
 * runs: woken by the NOTIFY of a new request (intake.ts), and polling in case one was missed. Requests
 * are taken one at a time, each on its conversation between join requests (the runtime's
 * withConversation), under a deadline that keeps the row lock within the transaction's limit.
 */
import {
  carryOutNextRequest,
  identitiesWithPendingRequests,
  InviteChangeRefused,
} from "@/lib/invites/requests";
import type { WorkerContext } from "@/workers/agents/worker/context";
import { repeat, withDeadline } from "@/workers/agents/worker/timers";
import { applyInviteChange } from "./conversation-invites";

/** Longest one change may act on its group. */
const CHANGE_MS = 20_000;

export interface InviteRequests {
  /** A request was announced: look soon. */
  kick(): void;
  /** Takes no more requests and waits for the one in progress. */
  close(): Promise<void>;
}

/** Starts carrying out the invite requests of the identities running here, every `pollMs` and when kicked. */
export function startInviteRequests(ctx: WorkerContext, pollMs: number): InviteRequests {
  const pass = async () => {
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
