/**
 * What an agent spends, as its owner and the admin see and set it: tokens per
 * day (TokenUsageDay, written by lib/llm/budget.ts's settle), the owner's cap
 * (up to the highest cap an admin allows, PoolSetting.maxTokenCap, by default
 * LLM_TOKEN_CAP_PER_AGENT), and the 80 % notice, claimed once per crossing.
 * budget-state.ts reads where an agent stands; this module reads and writes rows.
 */
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { chosenModel } from "@/lib/llm/models";
import { AgentNotFoundError } from "./mutations";
import { budgetState, NOTICE_FRACTION, type BudgetState } from "./budget-state";

/** The highest cap anyone may set: Agent.tokenCap is a 32-bit integer. */
export const TOKEN_CAP_LIMIT = 2_000_000_000;
/** Days the agent page charts. */
export const USAGE_DAYS = 30;

/** A cap the owner asked for above what the admin allows. */
export class CapAboveMaximum extends AppError {
  constructor(max: number) {
    super("cap_above_maximum", `The cap can be at most ${max} tokens on this server (an admin sets that).`);
  }
}

const dayMs = 86_400_000;
const utcDay = (d: Date) => new Date(Math.floor(d.getTime() / dayMs) * dayMs);

export interface UsageDay {
  /** The UTC day, as YYYY-MM-DD. */
  day: string;
  tokens: number;
  costMicros: number;
}

/** The agent's tokens and cost per UTC day for the last `days` days up to today, oldest first, 0 where none. */
export async function usageByDay(agentId: string, days = USAGE_DAYS, now = new Date()): Promise<UsageDay[]> {
  const today = utcDay(now);
  const first = new Date(today.getTime() - (days - 1) * dayMs);
  const rows = await db.tokenUsageDay.findMany({ where: { agentId, day: { gte: first } } });
  const byDay = new Map(rows.map((r) => [r.day.toISOString().slice(0, 10), r]));
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(first.getTime() + i * dayMs).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return { day, tokens: row?.tokens ?? 0, costMicros: Number(row?.costMicros ?? 0) };
  });
}

/** The agent's cost over all its days, in micro-dollars. */
export async function totalCostMicros(agentId: string): Promise<number> {
  const sum = await db.tokenUsageDay.aggregate({ where: { agentId }, _sum: { costMicros: true } });
  return Number(sum._sum.costMicros ?? 0);
}

/** The highest cap the admin set (null: none set, the default cap applies). */
export async function maxTokenCapSetting(): Promise<number | null> {
  const row = await db.poolSetting.findUnique({ where: { id: 1 }, select: { maxTokenCap: true } });
  return row?.maxTokenCap ?? null;
}

/** The highest cap an owner may set: the admin's, else the default cap; null: no maximum (the default is unlimited). */
export async function maxTokenCap(defaultCap: number | undefined): Promise<number | null> {
  return (await maxTokenCapSetting()) ?? defaultCap ?? null;
}

/** Sets the admin's maximum (null: back to the default cap). */
export async function setMaxTokenCap(max: number | null): Promise<void> {
  await db.poolSetting.upsert({
    where: { id: 1 },
    create: { id: 1, maxTokenCap: max },
    update: { maxTokenCap: max },
  });
}

/**
 * Sets the owner's cap in one guarded statement: lower than the cap in force is always allowed, higher only
 * up to `max` (null: no maximum). Clears the 80 % notice mark when the new cap puts usage back under 80 %, so
 * the next crossing is told again. Returns where the agent now stands (still paused when usage reached it).
 */
export async function setTokenCap(
  agentId: string,
  ownerId: string,
  cap: number,
  o: { defaultCap: number | undefined; max: number | null },
): Promise<BudgetState> {
  const unlimited = TOKEN_CAP_LIMIT + 1; // an unlimited cap in force: any number lowers it
  const max = o.max ?? unlimited;
  const rows = await db.$queryRaw<{ tokenCap: number; tokensUsed: number; outOfBudgetAt: Date | null }[]>`
    UPDATE "Agent" SET "tokenCap" = ${cap}::int, "updatedAt" = now(),
      "budgetNoticeAt" = CASE WHEN "tokensUsed" < ${NOTICE_FRACTION}::float8 * ${cap}::int THEN NULL ELSE "budgetNoticeAt" END
    WHERE id = ${agentId} AND "ownerId" = ${ownerId}
      AND (${cap}::int <= ${max}::bigint OR ${cap}::int <= coalesce("tokenCap", ${o.defaultCap ?? unlimited}::bigint))
    RETURNING "tokenCap", "tokensUsed", "outOfBudgetAt"`;
  if (rows[0]) return budgetState(rows[0], o.defaultCap);
  const exists = await db.agent.count({ where: { id: agentId, ownerId } });
  if (exists === 0) throw new AgentNotFoundError();
  throw new CapAboveMaximum(max);
}

/**
 * Claims the agent's 80 % notice: true for the one call that finds usage at or past NOTICE_FRACTION of the
 * cap in force with no notice given since the last crossing, and marks it given in the same statement.
 */
export async function claimBudgetNotice(
  agentId: string,
  defaultCap: number | undefined,
): Promise<{ used: number; cap: number } | null> {
  const rows = await db.$queryRaw<{ used: number; cap: number }[]>`
    UPDATE "Agent" SET "budgetNoticeAt" = now()
    WHERE id = ${agentId} AND "budgetNoticeAt" IS NULL
      AND coalesce("tokenCap", ${defaultCap ?? null}::int) > 0
      AND "tokensUsed" >= ${NOTICE_FRACTION}::float8 * coalesce("tokenCap", ${defaultCap ?? null}::int)
    RETURNING "tokensUsed" AS used, coalesce("tokenCap", ${defaultCap ?? null}::int) AS cap`;
  return rows[0] ?? null;
}

/** The owner's agent's budget fields and the model it asks for (null: the default); null for another's agent. */
export async function budgetOfAgent(agentId: string, ownerId: string) {
  const row = await db.agent.findFirst({
    where: { id: agentId, ownerId },
    select: {
      tokenCap: true,
      tokensUsed: true,
      outOfBudgetAt: true,
      outOfBudgetReason: true,
      model: true,
      template: { select: { model: true } },
    },
  });
  return row && { ...row, model: chosenModel(row, row.template) };
}
