/**
 * Creating, listing and cancelling an agent's reminders and schedules. Each
 * belongs to one conversation (the agent's identity in it); the tools act on
 * the conversation they were called in, the owner on all of the agent's.
 * Limits: MAX_ACTIVE per agent, texts up to MAX_TEXT characters, reminders at
 * most a year ahead, recurring runs at least 15 minutes apart (rules.ts).
 */
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { nextRun, normalizeRule, ruleText, RuleError } from "./rules";
import { formatLocal } from "./wall-clock";

export const MAX_ACTIVE = 50;
export const MAX_TEXT = 1_000;
const MAX_AHEAD_MS = 366 * 86_400_000;

export type ScheduleMode = "post" | "prompt";

export interface ScheduleScope {
  agentId: string;
  identityId: string;
  timeZone: string;
}

/** Bad input for a schedule: the message says what to change. */
export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScheduleError";
  }
}

async function assertRoom(tx: Prisma.TransactionClient, agentId: string) {
  const active = await tx.schedule.count({ where: { agentId, status: "active" } });
  if (active >= MAX_ACTIVE)
    throw new ScheduleError(
      `this agent already has ${active} active reminders and schedules, the most allowed`,
    );
}

function cleanText(text: string): string {
  const t = text.trim();
  if (!t) throw new ScheduleError("the text is empty");
  if (t.length > MAX_TEXT) throw new ScheduleError(`the text is longer than ${MAX_TEXT} characters`);
  return t;
}

/** A one-off reminder at `at`; resolves with its id. */
export async function createReminder(
  tx: Prisma.TransactionClient,
  scope: ScheduleScope,
  o: { at: Date; text: string; mode?: ScheduleMode },
  now = new Date(),
): Promise<{ id: string; at: Date }> {
  if (o.at.getTime() <= now.getTime()) throw new ScheduleError("that time has already passed");
  if (o.at.getTime() - now.getTime() > MAX_AHEAD_MS)
    throw new ScheduleError("reminders can be at most a year ahead");
  const text = cleanText(o.text);
  await assertRoom(tx, scope.agentId);
  const row = await tx.schedule.create({
    data: { ...scope, rule: null, mode: o.mode ?? "post", text, nextRunAt: o.at },
    select: { id: true },
  });
  return { id: row.id, at: o.at };
}

/** A recurring schedule from an RRULE starting at `start` (default now); resolves with its id and first run. */
export async function createSchedule(
  tx: Prisma.TransactionClient,
  scope: ScheduleScope,
  o: { rule: string; start?: Date; text: string; mode?: ScheduleMode },
  now = new Date(),
): Promise<{ id: string; next: Date; rule: string }> {
  const text = cleanText(o.text);
  let stored: string;
  try {
    stored = normalizeRule(o.rule, o.start ?? now, scope.timeZone);
  } catch (error) {
    if (error instanceof RuleError) throw new ScheduleError(error.message);
    throw error;
  }
  const next = nextRun(
    stored,
    scope.timeZone,
    new Date(Math.max(now.getTime(), (o.start ?? now).getTime()) - 1),
  );
  if (!next) throw new ScheduleError("the rule has no run in the future");
  await assertRoom(tx, scope.agentId);
  const row = await tx.schedule.create({
    data: { ...scope, rule: stored, mode: o.mode ?? "post", text, nextRunAt: next },
    select: { id: true },
  });
  return { id: row.id, next, rule: ruleText(stored) };
}

/** The conversation's active reminders and schedules, one line each, as the model reads them. */
export async function describeSchedules(tx: Prisma.TransactionClient, scope: ScheduleScope): Promise<string> {
  const rows = await tx.schedule.findMany({
    where: { identityId: scope.identityId, status: "active" },
    orderBy: { nextRunAt: "asc" },
  });
  if (rows.length === 0) return "No reminders or schedules.";
  return rows
    .map((r) => {
      const when = r.nextRunAt ? formatLocal(r.nextRunAt, r.timeZone) : "never";
      const what = r.mode === "prompt" ? `turn: ${r.text}` : r.text;
      return `[${r.id}] ${r.rule ? `every ${ruleText(r.rule)}, next` : "once,"} ${when}: ${what}`;
    })
    .join("\n");
}

/** Cancels one of the conversation's schedules and its firings not yet sent. */
export async function cancelSchedule(
  tx: Prisma.TransactionClient,
  scope: ScheduleScope,
  id: string,
): Promise<void> {
  const n = await cancelWhere(tx, { id: id.trim().replace(/^\[|\]$/g, ""), identityId: scope.identityId });
  if (n === 0) throw new ScheduleError(`no active reminder or schedule "${id}" in this conversation`);
}

async function cancelWhere(tx: Prisma.TransactionClient, where: Prisma.ScheduleWhereInput): Promise<number> {
  const rows = await tx.schedule.findMany({ where: { ...where, status: "active" }, select: { id: true } });
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.id);
  await tx.schedule.updateMany({
    where: { id: { in: ids } },
    data: { status: "cancelled", nextRunAt: null },
  });
  await tx.scheduleFiring.updateMany({
    where: { scheduleId: { in: ids }, status: "pending" },
    data: { status: "cancelled" },
  });
  return ids.length;
}

/** Cancels every schedule of an agent (stopping it): resolves with how many were active. */
export function cancelAgentSchedules(agentId: string, tx?: Prisma.TransactionClient): Promise<number> {
  return tx ? cancelWhere(tx, { agentId }) : db.$transaction((t) => cancelWhere(t, { agentId }));
}

/** The owner cancels one of their agent's schedules: false when it isn't theirs or isn't active. */
export async function cancelScheduleOfOwner(ownerId: string, scheduleId: string): Promise<boolean> {
  return db.$transaction(async (tx) => (await cancelWhere(tx, { id: scheduleId, agent: { ownerId } })) === 1);
}
