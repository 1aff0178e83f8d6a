/**
 * Running the creator side: a live DM stream plus catch-up batches (at start
 * and after every stream restart), feeding one serial queue.
 *
 * The queue is what makes "the same request delivered twice is handled once"
 * hold inside a process: the stream and a catch-up can both see message X, but
 * the second look happens after the first recorded X in the ledger. Across
 * processes and restarts the ledger (persistent in production), the
 * membership check and the handled marker take over (docs/convos-protocol.md §6.5).
 *
 * Junk DMs: a DM whose consent is still unknown and in which the other side
 * said something (XMTP's transcript of the DM's creation doesn't count), none
 * of it a join request, is denied during the catch-up that first sees it.
 * Denied DMs are neither listed nor streamed again, so junk is scanned once,
 * not at every restart.
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import { startResilientStream } from "@/lib/xmtp/stream";
import type { BackoffOptions } from "@/lib/identities/backoff";
import { Consent, Direction, isGroupUpdate } from "@/lib/convos/sdk";
import { handleJoinRequestMessage, type CreatorContext, type JoinOutcome } from "./handle";
import { emit } from "./context";
import { isJoinRequestCandidate, readJoinRequest, type IncomingMessage } from "./request";

export interface JoinRequestProcessorOptions {
  /** Messages scanned per DM in a catch-up pass (newest first, handled oldest first). Default 50. */
  catchUpLimit?: number;
  /** Backoff of stream restarts (default 300 ms doubling up to 30 s, with jitter; lib/xmtp/stream.ts). */
  streamBackoff?: BackoffOptions;
  /**
   * A catch-up pass this often (give or take a fifth), in case the stream missed a request: 30 s by
   * default; 0 turns it off.
   */
  catchUpEveryMs?: number;
}

const CATCH_UP_EVERY_MS = 30_000;

export interface JoinRequestProcessor {
  /** Syncs and handles pending requests in every DM with consent unknown or allowed. */
  catchUp(): Promise<void>;
  /** Resolves when everything queued so far has been handled. */
  idle(): Promise<void>;
  /**
   * Runs `task` between requests, after those queued so far (an owner's revoke or lock then never
   * interleaves with a join being admitted); resolves or rejects with it.
   */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Ends the stream and waits for in-flight work; safe to call twice. */
  stop(): Promise<void>;
}

/** Handles one message after all earlier queued work; outcomes and errors go to ctx.onEvent. */
function makeQueue(ctx: CreatorContext) {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    push(task: () => Promise<unknown>): Promise<void> {
      const run = tail
        .then(task)
        .catch((error) =>
          ctx.onEvent?.({ type: "warning", message: "join request processing failed", error }),
        );
      tail = run;
      return run.then(() => undefined);
    },
    idle: () => tail.then(() => undefined),
    /** Runs `task` in turn, its own result and error going to the caller. */
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}

/**
 * Where each DM was read up to (its newest message's sentAtNs), so a pass skips the DMs where nothing
 * came since: a live agent's DMs are mostly those of people who joined long ago.
 */
export type DmReadMarks = Map<string, bigint>;

/** A DM is read again from this long before its mark: a message may show up in a sync a little late. */
const MARK_MARGIN_NS = 60_000_000_000n;

/**
 * Handles the pending requests of every watched DM once, oldest first; returns the outcomes. With `marks`,
 * a DM with nothing sent since its mark (less a margin) is skipped; one with something new is read as
 * without them (its newest `limit` messages: the junk check needs what the sender said before).
 */
export async function catchUpJoinRequests(
  ctx: CreatorContext,
  limit = 50,
  marks?: DmReadMarks,
): Promise<JoinOutcome[]> {
  const { conversations } = ctx.client;
  const watched = [Consent.Unknown, Consent.Allowed];
  await conversations.sync();
  await conversations.syncAll(watched);
  const outcomes: JoinOutcome[] = [];
  const dms = conversations.listDms({ consentStates: watched });
  // A DM no longer listed (denied) is not read again: its mark goes, so a spammer's DMs don't pile up.
  if (marks) {
    const listed = new Set(dms.map((dm) => dm.id));
    for (const id of marks.keys()) if (!listed.has(id)) marks.delete(id);
  }
  for (const dm of dms) {
    const mark = marks?.get(dm.id);
    if (mark !== undefined) {
      const since = { limit: 1, direction: Direction.Descending, sentAfterNs: mark - MARK_MARGIN_NS };
      if ((await dm.messages(since)).length === 0) continue;
    }
    const newest = (await dm.messages({ limit, direction: Direction.Descending })) as IncomingMessage[];
    const fromThem = newest.reverse().filter((m) => m.senderInboxId !== ctx.client.inboxId);
    for (const m of fromThem) {
      if (isJoinRequestCandidate(m)) outcomes.push(await handleJoinRequestMessage(ctx, m));
    }
    // What they said: XMTP's own transcript of the DM's creation is "from" them too, and a catch-up that
    // runs between that and their join request must not take the DM for junk and deny it.
    const said = fromThem.filter((m) => !isGroupUpdate(m));
    const junk = said.length > 0 && !said.some((m) => readJoinRequest(m) !== null);
    if (junk && dm.consentState() === Consent.Unknown) {
      dm.updateConsentState(Consent.Denied);
      const outcome = { kind: "blocked" as const, reason: "no join request in this DM" };
      emit(ctx, { type: "outcome", messageId: said[said.length - 1].id, outcome });
      outcomes.push(outcome);
    }
    // Handled without error: the next pass starts from here (a failure leaves the mark, so it is read again).
    if (marks && newest.length > 0) marks.set(dm.id, newest[newest.length - 1].sentAtNs);
  }
  return outcomes;
}

/**
 * Starts processing join requests for the context's client: the live DM stream,
 * then one catch-up pass (subscribe first, then read what came before, so a
 * request made while the processor starts falls in one or the other, never
 * between); each stream restart triggers another catch-up, and so does a slow
 * timer, because a stream can miss a message without failing (a person whose
 * request is missed would wait for ever). Guarantees each request message id is
 * acted on at most once per ledger.
 */
export async function startJoinRequestProcessor(
  ctx: CreatorContext,
  options: JoinRequestProcessorOptions = {},
): Promise<JoinRequestProcessor> {
  const context: CreatorContext = { ...ctx, provisionalProfiles: ctx.provisionalProfiles ?? new Map() };
  const queue = makeQueue(context);
  const marks: DmReadMarks = new Map();
  const catchUp = () => queue.push(() => catchUpJoinRequests(context, options.catchUpLimit, marks));
  let stopped = false;
  let stream: { end(): Promise<void> } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const every = options.catchUpEveryMs ?? CATCH_UP_EVERY_MS;
  const catchUpLater = () => {
    if (stopped || every <= 0) return;
    timer = setTimeout(() => void catchUp().finally(catchUpLater), every * (0.8 + Math.random() * 0.4));
    timer.unref();
  };
  stream = await startResilientStream<DecodedMessage<unknown>>({
    open: (hooks) =>
      context.client.conversations.streamAllDmMessages({
        ...hooks,
        consentStates: [Consent.Unknown, Consent.Allowed],
      }),
    backoff: options.streamBackoff,
    onValue: (m) => {
      if (!stopped && isJoinRequestCandidate(m))
        void queue.push(() => handleJoinRequestMessage(context, m as IncomingMessage));
    },
    onRestart: () => {
      if (!stopped) void catchUp();
    },
    onError: (error) => context.onEvent?.({ type: "warning", message: "DM stream error", error }),
  });
  await catchUp();
  catchUpLater();
  return {
    catchUp,
    idle: queue.idle,
    run: queue.run,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await stream?.end();
      stream = undefined;
      await queue.idle();
    },
  };
}
