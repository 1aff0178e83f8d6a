/**
 * The message ledger (HandledMessage rows) in PostgreSQL, and the one owner of
 * a message's state in it: lib/convos's HandledMessageLedger for one identity,
 * plus `recordFirst`, which records and says whether this caller was first
 * (INSERT … ON CONFLICT DO NOTHING), so two processes racing on the same
 * message can never both act on it. MESSAGE_TRANSITIONS lists every change of
 * state, one SQL statement each (the state machine is described below).
 */
import { db } from "@/lib/db";
import type { HandledKind, HandledMessageLedger } from "@/lib/convos";
import { NEW, type TransitionTable } from "@/lib/transitions";

/** Kinds the worker records besides the join-request outcomes. */
export type LedgerKind = HandledKind | "answered" | "skipped" | "greeted" | "dropped" | "gave_up";

/** True when this call recorded the message (it was new); false when someone recorded it before. */
export async function recordFirst(identityId: string, messageId: string, kind: LedgerKind): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "HandledMessage" ("identityId", "messageId", kind)
    VALUES (${identityId}, ${messageId}, ${kind})
    ON CONFLICT ("identityId", "messageId") DO NOTHING`;
  return inserted === 1;
}

/** True when the message was recorded for this identity. */
export async function isHandled(identityId: string, messageId: string): Promise<boolean> {
  const row = await db.handledMessage.findUnique({
    where: { identityId_messageId: { identityId, messageId } },
    select: { messageId: true },
  });
  return row !== null;
}

/** The ledger of one identity, shared by every worker through the database. */
export class PgLedger implements HandledMessageLedger {
  constructor(readonly identityId: string) {}

  has(messageId: string): Promise<boolean> {
    return isHandled(this.identityId, messageId);
  }

  async record(messageId: string, kind: HandledKind): Promise<void> {
    await recordFirst(this.identityId, messageId, kind);
  }
}

/*
 * Answering exactly once, across restarts and overlapping workers. A message
 * goes through three ledger states:
 *
 *   answering:<run>  taken by one runtime run (a random token per start);
 *   sending          that run got its answer and won the right to send it;
 *   answered / skipped / paired / failed   done.
 *
 * A run that dies before `sending` (crash, SIGKILL, or a stop whose grace
 * period aborted the model call) leaves `answering:<its run>`; the next run's
 * catch-up pass takes it again (`takeForAnswer`), so the answer is not lost. A run
 * that lost the message meanwhile (a paused worker whose lease was taken over)
 * finds `markSending` refused and drops its answer, so it is not sent twice.
 * A crash between `sending` and the send completing leaves `sending`: the next
 * run reopens it (`reopenUnsent`), before it says anything itself, only when the
 * conversation, synced, shows no text from the agent after the message (so the
 * answer never reached the network) and the mark is older than a send takes (so
 * no live run is still sending it). Otherwise the answer went out and the run
 * died before finishing: the next run marks it answered (`settleSent`), never
 * answering again, since a duplicate in a chat is worse than a rare miss.
 *
 * An answer that failed (`failed`: the database or the network gave out) is
 * taken again by a later catch-up pass, at most MAX_ANSWER_RETRIES times
 * (`attempts` counts them). A message dropped by the flood limits is
 * `dropped`: final, never answered by a later pass.
 *
 * A message whose answer crashes or hangs the worker (a poison message: a
 * tool that never returns, a parser that spins) would otherwise be taken
 * again by every run after, each crashing in turn. So every take counts in
 * `takes`, in the statement that takes it, committed before any work starts
 * (a SIGKILL can't lose it); an unfinished claim is taken again only while
 * `takes` < AGENT_ANSWER_ATTEMPTS (`maxTakes`, passed by the caller from its
 * settings). The next run to find it then gives it up
 * (`giveUpAnswer`: → `gave_up`, final) and tells the conversation once. A
 * tool that merely throws is no crash: its error goes to the model as text,
 * and the answer finishes.
 */

export const MAX_ANSWER_RETRIES = 3;

/**
 * A message's state in the ledger (its `kind`): `answering` stands for `answering:<run>`, the run that
 * took it; `recorded` for the kinds recordFirst writes once and nothing changes after (the join-request
 * outcomes of lib/convos, `greeted`).
 */
export type MessageState =
  "answering" | "sending" | "answered" | "skipped" | "paired" | "failed" | "dropped" | "gave_up" | "recorded";

/** The states no transition leaves. */
export const FINAL_MESSAGE_STATES = [
  "answered",
  "skipped",
  "paired",
  "dropped",
  "gave_up",
  "recorded",
] as const;

/** Every way a message's state changes, by the function that makes the change. */
export const MESSAGE_TRANSITIONS = {
  recordFirst: { from: [NEW], to: "recorded" },
  /** New, another run's unfinished take (under `maxTakes`), or failed with retries left. */
  takeForAnswer: { from: [NEW, "answering", "failed"], to: "answering" },
  giveUpAnswer: { from: ["answering"], to: "gave_up" },
  recordDropped: { from: [NEW], to: "dropped" },
  markSending: { from: ["answering"], to: "sending" },
  /** finishMessage: after sending, or with nothing to send. */
  finishAnswered: { from: ["answering", "sending"], to: "answered" },
  finishSkipped: { from: ["answering", "sending"], to: "skipped" },
  finishPaired: { from: ["answering", "sending"], to: "paired" },
  finishFailed: { from: ["answering", "sending"], to: "failed" },
  reopenUnsent: { from: ["sending"], to: "answering" },
} as const satisfies TransitionTable<MessageState>;

/**
 * Takes a message for answering by run `run`: true when it is new, was left unfinished by another run
 * fewer than `maxTakes` times (AGENT_ANSWER_ATTEMPTS), or failed and may be retried. The take is counted,
 * committed.
 */
export async function takeForAnswer(
  identityId: string,
  messageId: string,
  run: string,
  maxTakes: number,
): Promise<boolean> {
  return (await takeCounted(identityId, messageId, run, maxTakes)) !== null;
}

/**
 * takeForAnswer that also says how many takes the message has had, this one included (null: not taken).
 * More than 1 means an earlier run took it first (it crashed, hung or failed), read in the same statement.
 */
export async function takeCounted(
  identityId: string,
  messageId: string,
  run: string,
  maxTakes: number,
): Promise<number | null> {
  const kind = `answering:${run}`;
  const [row] = await db.$queryRaw<{ takes: number }[]>`
    INSERT INTO "HandledMessage" ("identityId", "messageId", kind, takes)
    VALUES (${identityId}, ${messageId}, ${kind}, 1)
    ON CONFLICT ("identityId", "messageId") DO UPDATE SET kind = EXCLUDED.kind, "handledAt" = now(),
      takes = "HandledMessage".takes + 1,
      attempts = "HandledMessage".attempts + (CASE WHEN "HandledMessage".kind = 'failed' THEN 1 ELSE 0 END)
    WHERE ("HandledMessage".kind LIKE 'answering:%' AND "HandledMessage".kind <> EXCLUDED.kind
           AND "HandledMessage".takes < ${maxTakes})
       OR ("HandledMessage".kind = 'failed' AND "HandledMessage".attempts < ${MAX_ANSWER_RETRIES})
    RETURNING takes`;
  return row ? Number(row.takes) : null;
}

/**
 * Gives up a message other runs took `maxTakes` times (AGENT_ANSWER_ATTEMPTS) and never finished
 * (→ `gave_up`, final): true for the one caller that should tell the conversation. At most once: a crash
 * right after loses the notice, never repeats it.
 */
export async function giveUpAnswer(
  identityId: string,
  messageId: string,
  run: string,
  maxTakes: number,
): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE "HandledMessage" SET kind = 'gave_up', "handledAt" = now()
    WHERE "identityId" = ${identityId} AND "messageId" = ${messageId}
      AND kind LIKE 'answering:%' AND kind <> ${`answering:${run}`} AND takes >= ${maxTakes}`;
  return n === 1;
}

/** Of `messageIds`, those a catch-up pass should still answer: not in the ledger, unfinished, or failed with retries left. */
export async function unansweredOf(identityId: string, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const done = await db.$queryRaw<{ messageId: string }[]>`
    SELECT "messageId" FROM "HandledMessage"
    WHERE "identityId" = ${identityId} AND "messageId" = ANY(${messageIds})
      AND kind NOT LIKE 'answering:%' AND NOT (kind = 'failed' AND attempts < ${MAX_ANSWER_RETRIES})`;
  const handled = new Set(done.map((r) => r.messageId));
  return new Set(messageIds.filter((id) => !handled.has(id)));
}

/** Records messages dropped by the flood limits, in one statement: final, never answered later. */
export async function recordDropped(identityId: string, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db.$executeRaw`
    INSERT INTO "HandledMessage" ("identityId", "messageId", kind)
    SELECT ${identityId}, unnest(${messageIds}::text[]), 'dropped'
    ON CONFLICT ("identityId", "messageId") DO NOTHING`;
}

/** Moves this run's message to `sending`; false when another run took the message over meanwhile. */
export async function markSending(identityId: string, messageId: string, run: string): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE "HandledMessage" SET kind = 'sending', "handledAt" = now()
    WHERE "identityId" = ${identityId} AND "messageId" = ${messageId} AND kind = ${`answering:${run}`}`;
  return n === 1;
}

/**
 * Records the final state of a message this run took (after sending, or when nothing is sent). Only an
 * open message changes: a final state (another run gave it up meanwhile) stays as it is.
 */
export async function finishMessage(
  identityId: string,
  messageId: string,
  kind: "answered" | "skipped" | "paired" | "failed",
): Promise<void> {
  await db.$executeRaw`
    UPDATE "HandledMessage" SET kind = ${kind}, "handledAt" = now()
    WHERE "identityId" = ${identityId} AND "messageId" = ${messageId}
      AND (kind LIKE 'answering:%' OR kind = 'sending')`;
}

/**
 * Reopens messages a dead run marked `sending` longer than `olderThanMs` ago, among `messageIds` (the
 * caller passes only messages the agent has said nothing after): the next `takeForAnswer` takes them.
 */
export async function reopenUnsent(
  identityId: string,
  messageIds: string[],
  olderThanMs: number,
): Promise<number> {
  if (messageIds.length === 0) return 0;
  return db.$executeRaw`
    UPDATE "HandledMessage" SET kind = 'answering:unsent', "handledAt" = now()
    WHERE "identityId" = ${identityId} AND "messageId" = ANY(${messageIds}) AND kind = 'sending'
      AND "handledAt" < now() - ${olderThanMs}::int * interval '1 millisecond'`;
}

/**
 * Marks answered the messages among `messageIds` that a run left `sending` though its answer went out (the
 * caller saw a text of the agent's after each): that run died after the send, before it could finish.
 * Returns their ids.
 */
export async function settleSent(identityId: string, messageIds: string[]): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const rows = await db.$queryRaw<{ messageId: string }[]>`
    UPDATE "HandledMessage" SET kind = 'answered', "handledAt" = now()
    WHERE "identityId" = ${identityId} AND "messageId" = ANY(${messageIds}) AND kind = 'sending'
    RETURNING "messageId"`;
  return rows.map((r) => r.messageId);
}

/**
 * Of `messageIds`, the age in ms of the youngest `sending` mark, or null when none is marked: a mark too
 * young for `reopenUnsent` (its run may still be sending) is judged again once it is old enough.
 */
export async function youngestSendingMs(identityId: string, messageIds: string[]): Promise<number | null> {
  if (messageIds.length === 0) return null;
  const [row] = await db.$queryRaw<{ ms: number | null }[]>`
    SELECT (EXTRACT(EPOCH FROM now() - max("handledAt")) * 1000)::float8 AS ms FROM "HandledMessage"
    WHERE "identityId" = ${identityId} AND "messageId" = ANY(${messageIds}) AND kind = 'sending'`;
  return row?.ms ?? null;
}
