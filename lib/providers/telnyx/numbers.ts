/**
 * An agent's phone number, found on first use of its `sms` tool, never at claim:
 *
 *   held:     the number it already has;
 *   pool:     else a free number of ours, taken in ONE statement (the longest-freed first, picked with
 *             FOR UPDATE SKIP LOCKED, so two agents claiming at once never get the same one and never wait
 *             on each other), only while the agent runs (a stop frees numbers: ./pool.ts);
 *   ordered:  else a new one: search Telnyx for US numbers that text, order the first; a 409 or 422 means
 *             someone else got it between our search and our order, so the next candidate is tried, at
 *             most ORDER_ATTEMPTS times. The ordered number is written at once; if the agent got one
 *             meanwhile (two calls at once) or stopped, the new number goes to the pool instead, never lost.
 *
 * The messaging profile is assigned last (profileAssignedAt), and again on the next use if that failed, so
 * a number is never used before it can text and its replies reach our webhook.
 */
import { db } from "@/lib/db";
import { RUNNING_AGENT_STATUSES } from "@/lib/agents/agent-status";
import { AppError } from "@/lib/errors";
import { ProviderError } from "@/lib/providers/http";
import { assignMessagingProfile, orderNumber, searchNumbers, type OrderedNumber } from "./api";
import type { TelnyxSettings } from "./settings";

/** Candidates asked of the number search. */
export const SEARCH_LIMIT = 5;
/** Orders tried before giving up, when each candidate was taken by someone else first. */
export const ORDER_ATTEMPTS = 3;

export interface AgentNumber {
  id: string;
  /** E.164. */
  number: string;
  telnyxId: string;
  profileAssignedAt: Date | null;
}

/** No number could be had now (every candidate went to someone else, or the search found none). */
export class NoNumberError extends AppError {
  constructor() {
    super("no_number", "no phone number could be had for this agent right now; try again later", 503);
  }
}

const COLUMNS = ["id", "number", "telnyxId", "profileAssignedAt"] as const;
const select = Object.fromEntries(COLUMNS.map((c) => [c, true])) as Record<(typeof COLUMNS)[number], true>;

/** The number the agent holds, or null. */
export async function heldNumber(agentId: string): Promise<AgentNumber | null> {
  return db.phoneNumber.findUnique({ where: { agentId }, select });
}

/** A free number of our pool, given to the agent in one statement; null when none is free or it stopped. */
export async function claimPoolNumber(agentId: string): Promise<AgentNumber | null> {
  try {
    const [claimed] = await db.$queryRaw<AgentNumber[]>`
      UPDATE "PhoneNumber" SET "agentId" = ${agentId}, "claimedAt" = now()
      WHERE id = (
        SELECT id FROM "PhoneNumber" WHERE "agentId" IS NULL
        ORDER BY "freedAt" ASC NULLS FIRST, "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
        AND EXISTS (SELECT 1 FROM "Agent"
          WHERE id = ${agentId} AND status = ANY(${RUNNING_AGENT_STATUSES}::"AgentStatus"[]))
      RETURNING id, number, "telnyxId", "profileAssignedAt"`;
    return claimed ?? null;
  } catch (error) {
    // The agent was given a number by a call of its own meanwhile (agentId is unique): that one is its.
    if (isUniqueViolation(error)) return heldNumber(agentId);
    throw error;
  }
}

const isUniqueViolation = (error: unknown) => /23505|unique constraint/i.test(String(error));

/** Writes a number just ordered: the agent's if it runs and has none yet, else free in the pool. */
async function keepOrdered(agentId: string, ordered: OrderedNumber): Promise<AgentNumber | null> {
  const [kept] = await db.$queryRaw<AgentNumber[]>`
    INSERT INTO "PhoneNumber" (id, number, "telnyxId", "agentId", "claimedAt")
    SELECT gen_random_uuid()::text, ${ordered.number}, ${ordered.id}, ${agentId}, now()
    WHERE EXISTS (SELECT 1 FROM "Agent"
      WHERE id = ${agentId} AND status = ANY(${RUNNING_AGENT_STATUSES}::"AgentStatus"[]))
    ON CONFLICT ("agentId") DO NOTHING
    RETURNING id, number, "telnyxId", "profileAssignedAt"`;
  if (kept) return kept;
  await db.phoneNumber.create({
    data: { number: ordered.number, telnyxId: ordered.id, agentId: null, freedAt: new Date() },
  });
  return heldNumber(agentId);
}

/** Searches and orders a new number for the agent, trying the next candidate on a collision. */
export async function orderNewNumber(s: TelnyxSettings, agentId: string): Promise<AgentNumber | null> {
  const candidates = await searchNumbers(s, SEARCH_LIMIT);
  for (const candidate of candidates.slice(0, ORDER_ATTEMPTS)) {
    let ordered: OrderedNumber;
    try {
      ordered = await orderNumber(s, candidate);
    } catch (error) {
      if (error instanceof ProviderError && (error.status === 409 || error.status === 422)) continue;
      throw error;
    }
    return keepOrdered(agentId, ordered);
  }
  throw new NoNumberError();
}

/** The agent's number, ready to text: held, else from the pool, else ordered; its profile assigned. */
export async function ensureNumber(s: TelnyxSettings, agentId: string): Promise<AgentNumber> {
  const found =
    (await heldNumber(agentId)) ?? (await claimPoolNumber(agentId)) ?? (await orderNewNumber(s, agentId));
  if (!found) throw new NoNumberError(); // it stopped meanwhile: the number went to the pool
  if (found.profileAssignedAt) return found;
  await assignMessagingProfile(s, found.telnyxId);
  const profileAssignedAt = new Date();
  await db.phoneNumber.update({ where: { id: found.id }, data: { profileAssignedAt } });
  return { ...found, profileAssignedAt };
}
