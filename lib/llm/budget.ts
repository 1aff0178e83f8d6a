/**
 * Spending bounds of the language model, per agent. Three limits together
 * keep one agent, or one person talking to it, from running up the bill:
 *
 *   what goes in    the message being answered is cut at INCOMING_MAX_CHARS
 *                   (the history has its own bound, workers/agents/history.ts);
 *   what comes out  every call carries max_tokens (LLM_MAX_TOKENS);
 *   the total       an agent spends at most its token cap (Agent.tokenCap, else
 *                   LLM_TOKEN_CAP_PER_AGENT; "unlimited" only when set so).
 *
 * The cap holds even with calls in flight at once (several conversations of
 * one agent, several workers): before a call, the most it can cost (an upper
 * bound of the prompt's tokens plus max_tokens) is reserved in one transaction
 * under the agent row's lock, and refused when used + reserved + this call
 * would pass the cap. When the call returns the reservation is settled: the
 * real usage is added and the reservation deleted. A reservation a crash left
 * behind stops counting after RESERVATION_TTL_MS (and the retention prune
 * deletes it).
 */
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import type { ChatMessage } from "./client";

/** The message being answered is cut here (characters), with a note saying so. */
export const INCOMING_MAX_CHARS = 4_000;
/** A reservation older than this no longer counts (the call it stood for is long over). */
export const RESERVATION_TTL_MS = 10 * 60_000;

/** `text` cut to INCOMING_MAX_CHARS, marked when cut. */
export function truncateIncoming(text: string): string {
  if (text.length <= INCOMING_MAX_CHARS) return text;
  return `${text.slice(0, INCOMING_MAX_CHARS)}\n[message cut: only the first ${INCOMING_MAX_CHARS} characters are shown]`;
}

/**
 * An upper bound of the prompt's tokens: byte-level BPE tokenizers never make
 * a token of less than one byte, so the UTF-8 length bounds the text; each
 * message adds a few formatting tokens.
 */
export function promptTokenBound(messages: ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + Buffer.byteLength(m.content, "utf8") + 8, 16);
}

export interface Reservation {
  agentId: string;
  /** null when the agent has no cap: nothing was reserved, usage is still counted. */
  id: string | null;
  tokens: number;
}

/** Reserves `tokens` for one call unless the agent's cap would be passed; null when refused. `cap` undefined = unlimited. */
export async function reserveTokens(
  agentId: string,
  tokens: number,
  cap: number | undefined,
): Promise<Reservation | null> {
  if (cap === undefined) return { agentId, id: null, tokens: 0 };
  return db.$transaction(async (tx) => {
    // The lock serialises reservations of one agent; the sum below, a new statement, sees every committed one.
    const [agent] = await tx.$queryRaw<{ tokensUsed: number }[]>`
      SELECT "tokensUsed" FROM "Agent" WHERE id = ${agentId} FOR UPDATE`;
    if (!agent) return null;
    const [{ reserved }] = await tx.$queryRaw<{ reserved: number }[]>`
      SELECT coalesce(sum(tokens), 0)::int AS reserved FROM "TokenReservation"
      WHERE "agentId" = ${agentId} AND "createdAt" > now() - ${RESERVATION_TTL_MS}::int * interval '1 millisecond'`;
    if (agent.tokensUsed + reserved + tokens > cap) return null;
    const id = randomUUID();
    await tx.$executeRaw`
      INSERT INTO "TokenReservation" (id, "agentId", tokens) VALUES (${id}, ${agentId}, ${tokens})`;
    return { agentId, id, tokens };
  });
}

/** Settles a reservation to the tokens really used (0 when the call failed before any usage was reported). */
export async function settleTokens(reservation: Reservation, used: number): Promise<void> {
  const usedTokens = Math.max(0, Math.round(used));
  if (reservation.id === null) {
    if (usedTokens > 0)
      await db.$executeRaw`
        UPDATE "Agent" SET "tokensUsed" = "tokensUsed" + ${usedTokens} WHERE id = ${reservation.agentId}`;
    return;
  }
  await db.$transaction([
    db.$executeRaw`DELETE FROM "TokenReservation" WHERE id = ${reservation.id}`,
    db.$executeRaw`
      UPDATE "Agent" SET "tokensUsed" = "tokensUsed" + ${usedTokens} WHERE id = ${reservation.agentId}`,
  ]);
}

export type Spent<T> = { ok: true; value: T } | { ok: false };

/**
 * Runs one model call within the agent's cap: reserves `bound` tokens, runs
 * `call`, settles to the tokens it reports. `{ ok: false }` when the cap would
 * be passed (the call is not made). A call that throws settles to 0.
 */
export async function spendWithinCap<T>(
  agentId: string,
  cap: number | undefined,
  bound: number,
  call: () => Promise<T>,
  tokensOf: (value: T) => number,
): Promise<Spent<T>> {
  const reservation = await reserveTokens(agentId, bound, cap);
  if (!reservation) return { ok: false };
  let used = 0;
  try {
    const value = await call();
    used = tokensOf(value);
    return { ok: true, value };
  } finally {
    await settleTokens(reservation, used);
  }
}
