/**
 * Events a provider's webhook delivers (an e-mail received, a text received):
 * the web app checks the signature, records the event once and answers at
 * once; the worker carries it out later (posting a line into the agent's
 * conversation). They meet in the ProviderEvent table: a row per (provider,
 * event id), so a replayed or retried delivery finds its row and does
 * nothing, announced with a NOTIFY on PROVIDER_EVENT_CHANNEL at commit;
 * the worker also polls for undone rows, in case a notification was missed.
 * A worker that dies between posting a line and marking it done posts it
 * again once after it comes back (a notice twice beats a notice lost).
 *
 * The agent is found by the webhook from what we hold (the inbox or the number
 * the event was delivered to), never from what the request claims about
 * itself. An event for nobody of ours is recorded with no agent, so its replay
 * is also a no-op, and is never carried out.
 */
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export const PROVIDER_EVENT_CHANNEL = "provider_event";
/** A taken event not done after this long is taken again: its taker died (longer than a post's deadline). */
export const PROVIDER_EVENT_TAKE_MS = 60_000;
/** A worker gives an event up after this many failed attempts (lastError says why). */
export const PROVIDER_EVENT_ATTEMPTS = 5;

export interface NewProviderEvent {
  provider: string;
  /** The provider's own id of the event (svix-id, data.id). */
  eventId: string;
  kind: string;
  /** The agent it is for; null: nobody of ours (recorded only so a replay is a no-op). */
  agentId: string | null;
  /** What the worker needs; never a secret. */
  payload: Prisma.InputJsonValue;
}

/** Records the event unless it was recorded before; true when it is new. Notifies the workers at commit. */
export async function recordProviderEvent(event: NewProviderEvent): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH added AS (
      INSERT INTO "ProviderEvent" (id, provider, "eventId", kind, "agentId", payload, "doneAt")
      VALUES (gen_random_uuid()::text, ${event.provider}, ${event.eventId}, ${event.kind}, ${event.agentId},
        ${JSON.stringify(event.payload)}::jsonb, ${event.agentId === null ? new Date() : null})
      ON CONFLICT (provider, "eventId") DO NOTHING
      RETURNING id, "agentId"
    )
    SELECT id, CASE WHEN "agentId" IS NULL THEN NULL ELSE pg_notify(${PROVIDER_EVENT_CHANNEL}, id)::text END
    FROM added`;
  return rows.length === 1;
}

export interface ProviderEventRow {
  id: string;
  provider: string;
  kind: string;
  agentId: string;
  payload: Prisma.JsonValue;
  attempts: number;
}

/** An agent with events waiting, and the identity of its owner conversation, where the events' lines go. */
export interface WaitingOwner {
  agentId: string;
  identityId: string;
}

/**
 * Among the identities `identityIds` (the ones a worker runs), the owner conversations whose agent has events
 * waiting, oldest waiting first: one statement per pass, which finds nothing at once in the common case (the
 * undone events are read from their index first).
 */
export async function ownerConversationsWithEvents(identityIds: readonly string[]): Promise<WaitingOwner[]> {
  if (identityIds.length === 0) return [];
  return db.$queryRaw<WaitingOwner[]>`
    SELECT e."agentId", i.id AS "identityId" FROM "ProviderEvent" e
    JOIN "Identity" i ON i."agentId" = e."agentId" AND i."isOwnerConversation"
      AND i.id = ANY(${[...identityIds]}::text[])
    WHERE e."doneAt" IS NULL
    GROUP BY e."agentId", i.id ORDER BY min(e."receivedAt")`;
}

/**
 * Carries out the oldest undone event of the agents `agentIds` (the ones a worker runs) with `handle`. The
 * event is taken in one short statement (`FOR UPDATE SKIP LOCKED`, then `takenAt`), not held in a
 * transaction while `handle` sends over the network: two takers never get one event, and a taker that
 * died leaves it to be taken again after PROVIDER_EVENT_TAKE_MS. Done when `handle` returns; when it
 * throws (`failed`), attempts are counted, lastError kept, and the event given up after
 * PROVIDER_EVENT_ATTEMPTS. Returns the event taken, or null when there was none.
 */
export async function carryOutNextProviderEvent(
  agentIds: readonly string[],
  handle: (event: ProviderEventRow) => Promise<void>,
): Promise<(ProviderEventRow & { failed: boolean }) | null> {
  if (agentIds.length === 0) return null;
  const [event] = await db.$queryRaw<ProviderEventRow[]>`
    UPDATE "ProviderEvent" SET "takenAt" = now()
    WHERE id = (
      SELECT id FROM "ProviderEvent"
      WHERE "doneAt" IS NULL AND "agentId" = ANY(${[...agentIds]}::text[])
        AND ("takenAt" IS NULL OR "takenAt" < now() - ${PROVIDER_EVENT_TAKE_MS}::int * interval '1 millisecond')
      ORDER BY "receivedAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, provider, kind, "agentId", payload, attempts`;
  if (!event) return null;
  try {
    await handle(event);
  } catch (error) {
    const attempts = event.attempts + 1;
    await db.providerEvent.update({
      where: { id: event.id },
      data: {
        attempts,
        takenAt: null,
        lastError: String(error instanceof Error ? error.message : error).slice(0, 300),
        doneAt: attempts >= PROVIDER_EVENT_ATTEMPTS ? new Date() : null,
      },
    });
    return { ...event, failed: true };
  }
  await db.providerEvent.update({ where: { id: event.id }, data: { doneAt: new Date() } });
  return { ...event, failed: false };
}
