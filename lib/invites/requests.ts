/**
 * Changes to a conversation's invites (revoke, lock, unlock, refresh), asked
 * for by an operator in the chat or the owner on the agent page, and carried
 * out by the worker that runs the conversation's identity: only that worker
 * holds its XMTP client, and it may be another worker than the one that read
 * the command. The request is a row, announced with a NOTIFY on
 * INVITE_REQUESTED_CHANNEL (the identity id) at commit; workers also poll for
 * rows of the identities they run, in case a notification was missed.
 *
 * The worker takes a request with `FOR UPDATE SKIP LOCKED` and keeps the row
 * locked while it acts on the group, then writes the identity's new invite
 * state and the outcome in the same transaction. Whoever asked waits for the
 * outcome; when they give up, they cancel a request still pending, and that
 * UPDATE waits behind the worker's lock, so a request is either carried out
 * and reported or cancelled and changes nothing, never both.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { InviteAction, InviteRequestStatus } from "@/lib/generated/prisma/enums";

export const INVITE_REQUESTED_CHANNEL = "invite_requested";

export interface InviteChange {
  action: InviteAction;
  /** The new invite's expiry (revoke, unlock). */
  expiresAt?: Date;
  singleUse?: boolean;
}

/** What a worker writes of a conversation after acting on it (only the fields it knows). */
export type ConversationState = Pick<
  Prisma.IdentityUpdateInput,
  | "conversationName"
  | "memberCount"
  | "inviteUrl"
  | "inviteTag"
  | "inviteExpiresAt"
  | "inviteSingleUse"
  | "inviteUsedAt"
  | "lockedAt"
>;

export interface InviteRequestRow {
  id: string;
  agentId: string;
  identityId: string;
  action: InviteAction;
  expiresAt: Date | null;
  singleUse: boolean;
}

/** What the identity row holds of its invite before a change. */
export interface StoredInvite {
  inviteTag: string | null;
  inviteSingleUse: boolean;
  inviteUsedAt: Date | null;
  lockedAt: Date | null;
}

export interface InviteOutcome {
  status: InviteRequestStatus;
  /** The line for whoever asked. */
  result: string | null;
}

/** Records the request and notifies the workers at commit; returns its id. */
export async function requestInviteChange(
  agentId: string,
  identityId: string,
  change: InviteChange,
): Promise<string> {
  const [row] = await db.$transaction([
    db.inviteRequest.create({
      data: {
        agentId,
        identityId,
        action: change.action,
        expiresAt: change.expiresAt ?? null,
        singleUse: change.singleUse ?? false,
      },
      select: { id: true },
    }),
    db.$executeRaw`SELECT pg_notify(${INVITE_REQUESTED_CHANNEL}, ${identityId})`,
  ]);
  return row.id;
}

/**
 * Waits up to `timeoutMs` for the request's outcome; then cancels it if still pending (waiting for a
 * worker that is acting on it to finish), so the answer is final: done, failed, or cancelled; pending
 * only when the worker outlasted the database's statement timeout.
 */
export async function awaitInviteRequest(
  id: string,
  timeoutMs: number,
  pollMs = 150,
): Promise<InviteOutcome> {
  const deadline = Date.now() + timeoutMs;
  const read = () =>
    db.inviteRequest.findUniqueOrThrow({ where: { id }, select: { status: true, result: true } });
  for (;;) {
    const row = await read();
    if (row.status !== "pending") return row;
    if (Date.now() >= deadline) break;
    await sleep(pollMs);
  }
  // Waits behind a worker acting on it; a worker slower than the statement timeout leaves it pending.
  await db.$executeRaw`
    UPDATE "InviteRequest" SET status = 'cancelled', "doneAt" = now() WHERE id = ${id} AND status = 'pending'`.catch(
    () => undefined,
  );
  return read();
}

/** Forgets finished requests (refreshes, which nobody reads once answered); pending ones stay. */
export async function forgetInviteRequests(ids: string[]): Promise<void> {
  if (ids.length > 0)
    await db.inviteRequest.deleteMany({ where: { id: { in: ids }, status: { not: "pending" } } });
}

const STORED_INVITE = { inviteTag: true, inviteSingleUse: true, inviteUsedAt: true, lockedAt: true } as const;

/** What the identity row holds of its invite, or null when the row is gone. */
export function storedInvite(identityId: string): Promise<StoredInvite | null> {
  return db.identity.findUnique({ where: { id: identityId }, select: STORED_INVITE });
}

/** Writes what a worker read of a conversation outside any request (the periodic refresh). */
export async function recordConversationState(identityId: string, state: ConversationState): Promise<void> {
  await db.identity.update({ where: { id: identityId }, data: state });
}

/** The identities among `identityIds` with a pending request. */
export async function identitiesWithPendingRequests(identityIds: string[]): Promise<string[]> {
  if (identityIds.length === 0) return [];
  const rows = await db.inviteRequest.findMany({
    where: { identityId: { in: identityIds }, status: "pending" },
    select: { identityId: true },
    distinct: ["identityId"],
  });
  return rows.map((r) => r.identityId);
}

/** A refusal whose message is the outcome line (not mine, not running); anything else is reported generically. */
export class InviteChangeRefused extends Error {}

const FAILED = "I couldn't change that conversation's invites just now. Try again in a moment.";

/**
 * Takes the identity's oldest pending request and carries it out with `act` while the row stays locked,
 * then writes the identity's state and the outcome in the same transaction. False when none was pending
 * (or another worker holds it). `act` must finish within the transaction's limit (`timeoutMs`). A failure
 * is recorded as the outcome (the refusal's own line, else a generic one, the error going to `onError`).
 */
export async function carryOutNextRequest(
  identityId: string,
  act: (
    request: InviteRequestRow,
    stored: StoredInvite,
  ) => Promise<{ result: string; state: ConversationState }>,
  onError: (error: unknown, request: InviteRequestRow) => void,
  timeoutMs = 25_000,
): Promise<boolean> {
  return db.$transaction(
    async (tx) => {
      const [request] = await tx.$queryRaw<InviteRequestRow[]>`
        SELECT id, "agentId", "identityId", action, "expiresAt", "singleUse" FROM "InviteRequest"
        WHERE "identityId" = ${identityId} AND status = 'pending'
        ORDER BY "createdAt", id LIMIT 1 FOR UPDATE SKIP LOCKED`;
      if (!request) return false;
      const stored = await tx.identity.findUniqueOrThrow({
        where: { id: identityId },
        select: STORED_INVITE,
      });
      let outcome: { result: string; state: ConversationState };
      try {
        outcome = await act(request, stored);
      } catch (error) {
        const result = error instanceof InviteChangeRefused ? error.message : FAILED;
        await tx.inviteRequest.update({
          where: { id: request.id },
          data: { status: "failed", result, doneAt: new Date() },
        });
        if (!(error instanceof InviteChangeRefused)) onError(error, request);
        return true;
      }
      await tx.identity.update({ where: { id: identityId }, data: outcome.state });
      await tx.inviteRequest.update({
        where: { id: request.id },
        data: { status: "done", result: outcome.result, doneAt: new Date() },
      });
      return true;
    },
    { timeout: timeoutMs + 5_000, maxWait: 5_000 },
  );
}

const NOT_REACHED =
  "Nothing changed: the worker running that conversation didn't get to it in time. Try again in a moment.";

const STILL_UNDER_WAY = "That is taking long: /conversations will show how it ended.";

/** Asks for `change` and waits for it (`timeoutMs`, then cancelled): the line that says how it ended. */
export async function changeInvites(
  agentId: string,
  identityId: string,
  change: InviteChange,
  timeoutMs = 20_000,
): Promise<{ ok: boolean; line: string }> {
  const outcome = await awaitInviteRequest(await requestInviteChange(agentId, identityId, change), timeoutMs);
  if (outcome.status === "cancelled") return { ok: false, line: NOT_REACHED };
  if (outcome.status === "pending") return { ok: false, line: STILL_UNDER_WAY };
  return { ok: outcome.status === "done", line: outcome.result ?? NOT_REACHED };
}
