/**
 * The tool calls of an answer in PostgreSQL, beside the message ledger
 * (./messages.ts), and the one owner of a call's status: each call is keyed by
 * the identity, the message answered and the call's position in the answer,
 * and goes (TOOL_CALL_TRANSITIONS)
 *
 *   pending   the model asked for it (the whole round is recorded before any call runs);
 *   started   its side effect may have happened;
 *   done      its result is recorded;
 *   failed    the answer was given up (./messages.ts's giveUpAnswer) with the call unfinished.
 *
 * A re-answer after a crash (the claim reclaimed by the next run) replays the
 * recorded rounds instead of asking the model again: `done` calls give their
 * recorded result, `pending` calls run now, and `started` calls are not run
 * again (the effect may already be in the conversation; a duplicate is worse
 * than a rare miss, as for the answer itself). Tools whose effect is a
 * database write run it in the same transaction as `pending → done`, so for
 * them the effect happens exactly once. A `started` read (effect `none`) is
 * run again: repeating it is safe. However often calls crash the worker, a
 * replay happens only within a take of the answer, which ./messages.ts bounds.
 */
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { NEW, type TransitionTable } from "@/lib/transitions";

export type ToolCallStatus = "pending" | "started" | "done" | "failed";

/** Every way a tool call's status changes, by the function that makes the change. */
export const TOOL_CALL_TRANSITIONS = {
  recordToolRound: { from: [NEW], to: "pending" },
  startToolCall: { from: ["pending"], to: "started" },
  finishToolCall: { from: ["started"], to: "done" },
  failUnfinishedToolCalls: { from: ["pending", "started"], to: "failed" },
} as const satisfies TransitionTable<ToolCallStatus>;

/** The statuses of a call that has not finished: an answer given up fails them. */
export const UNFINISHED_TOOL_CALL_STATUSES = TOOL_CALL_TRANSITIONS.failUnfinishedToolCalls.from;

export interface RecordedToolCall {
  position: number;
  round: number;
  callId: string;
  name: string;
  /** The arguments as the model sent them (a JSON string). */
  arguments: string;
  status: ToolCallStatus;
  result: string | null;
}

export interface ToolCallKey {
  identityId: string;
  messageId: string;
}

/** The calls recorded for one answer, by position. */
export async function recordedToolCalls(key: ToolCallKey): Promise<RecordedToolCall[]> {
  const rows = await db.toolCall.findMany({
    where: { identityId: key.identityId, messageId: key.messageId },
    orderBy: { position: "asc" },
  });
  return rows.map((r) => ({ ...r, status: r.status as ToolCallStatus }));
}

/**
 * Records a round's calls as pending; calls already recorded (a replayed round) are left as they are.
 * Resolves with how many were new (all of them: nobody ran any yet).
 */
export async function recordToolRound(
  key: ToolCallKey,
  round: number,
  calls: { position: number; callId: string; name: string; arguments: string }[],
): Promise<number> {
  if (calls.length === 0) return 0;
  // One statement (Prisma's createMany wraps its INSERT in a transaction of its own: three round trips).
  return db.$executeRaw`
    INSERT INTO "ToolCall" ("identityId", "messageId", position, round, "callId", name, arguments, status)
    SELECT ${key.identityId}, ${key.messageId}, c.position, ${round}, c."callId", c.name, c.arguments,
      ${TOOL_CALL_TRANSITIONS.recordToolRound.to}
    FROM unnest(${calls.map((c) => c.position)}::int[], ${calls.map((c) => c.callId)}::text[],
      ${calls.map((c) => c.name)}::text[], ${calls.map((c) => c.arguments)}::text[])
      AS c(position, "callId", name, arguments)
    ON CONFLICT DO NOTHING`;
}

/** The call's current state, or null when it was never recorded. */
export async function toolCallState(
  key: ToolCallKey,
  position: number,
  tx: Prisma.TransactionClient = db,
): Promise<{ status: ToolCallStatus; result: string | null } | null> {
  const row = await tx.toolCall.findUnique({
    where: { identityId_messageId_position: { ...key, position } },
    select: { status: true, result: true },
  });
  return row ? { status: row.status as ToolCallStatus, result: row.result } : null;
}

/** Moves one call along `t` with an UPDATE guarded on `t.from`; true when it was in one of them. */
async function moveCall(
  tx: Prisma.TransactionClient,
  key: ToolCallKey,
  position: number,
  t: { from: readonly ToolCallStatus[]; to: ToolCallStatus },
  result?: string,
): Promise<boolean> {
  // One statement (Prisma's updateMany wraps its UPDATE in a transaction of its own: three round trips).
  const count = await tx.$executeRaw`
    UPDATE "ToolCall" SET status = ${t.to}, result = CASE WHEN ${result !== undefined} THEN ${result ?? null} ELSE result END
    WHERE "identityId" = ${key.identityId} AND "messageId" = ${key.messageId} AND position = ${position}
      AND status = ANY(${[...t.from]}::text[])`;
  return count === 1;
}

/** pending → started; true when this caller won the right to run the call's effect. */
export async function startToolCall(
  key: ToolCallKey,
  position: number,
  tx: Prisma.TransactionClient = db,
): Promise<boolean> {
  return moveCall(tx, key, position, TOOL_CALL_TRANSITIONS.startToolCall);
}

/** Records the result of a call this caller started (started → done); false when it was failed meanwhile. */
export async function finishToolCall(
  key: ToolCallKey,
  position: number,
  result: string,
  tx: Prisma.TransactionClient = db,
): Promise<boolean> {
  return moveCall(tx, key, position, TOOL_CALL_TRANSITIONS.finishToolCall, result);
}

/** Marks the answer's unfinished calls failed, with `result` (the answer was given up); returns how many. */
export async function failUnfinishedToolCalls(key: ToolCallKey, result: string): Promise<number> {
  const { count } = await db.toolCall.updateMany({
    where: { ...key, status: { in: [...UNFINISHED_TOOL_CALL_STATUSES] } },
    data: { status: TOOL_CALL_TRANSITIONS.failUnfinishedToolCalls.to, result },
  });
  return count;
}
