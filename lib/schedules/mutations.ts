/**
 * Creating, listing and cancelling an agent's reminders and schedules. Each
 * belongs to one conversation (the agent's identity in it); the tools act on
 * the conversation they were called in, the owner on all of the agent's.
 * Limits: MAX_ACTIVE per agent and MAX_ACTIVE_PER_CONVERSATION per conversation
 * (so the members of one group cannot use up the agent's room), texts up to
 * MAX_TEXT characters, reminders at most a year ahead, a `prompt` reminder at
 * least PROMPT_MIN_LEAD_MS ahead (a turn that sets the next one cannot run the
 * model every tick), a schedule's start within START_WITHIN_MS of now, and
 * recurring runs at least 15 minutes apart (rules.ts).
 *
 * Each schedule records the member who asked for it (`createdByInboxId`: the
 * sender of the message answered; for one set by a scheduled turn, that
 * schedule's own creator). When the member leaves the conversation, is removed
 * or may no longer talk to the agent, their schedules there are cancelled
 * (`cancelSchedulesOfMembers`, from the conversation watch and at firing).
 */
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { nextRun, normalizeRule, ruleText, RuleError } from "./rules";
import { formatLocal } from "./wall-clock";

export const MAX_ACTIVE = 50;
export const MAX_ACTIVE_PER_CONVERSATION = 10;
export const MAX_TEXT = 1_000;
export const PROMPT_MIN_LEAD_MS = 2 * 60_000;
export const START_WITHIN_MS = 86_400_000;
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

async function assertRoom(tx: Prisma.TransactionClient, scope: ScheduleScope) {
  const here = await tx.schedule.count({ where: { identityId: scope.identityId, status: "active" } });
  if (here >= MAX_ACTIVE_PER_CONVERSATION)
    throw new ScheduleError(
      `this conversation already has ${here} active reminders and schedules, the most allowed: cancel one first`,
    );
  const active = await tx.schedule.count({ where: { agentId: scope.agentId, status: "active" } });
  if (active >= MAX_ACTIVE)
    throw new ScheduleError(
      `this agent already has ${active} active reminders and schedules, the most allowed`,
    );
}

/** Who asked for a schedule: a member's inbox id, or null (set outside a conversation). */
export type Creator = string | null;

const SCHEDULED_TURN = /^schedule:([^:]+):\d+$/;

/** The key a scheduled `prompt` turn runs under (its tool calls are keyed by it): one per firing. */
export const scheduledTurnKey = (f: { scheduleId: string; dueAt: Date }) =>
  `schedule:${f.scheduleId}:${f.dueAt.getTime()}`;

/**
 * The creator of what a turn sets up: the member whose message is answered, or, for a scheduled turn (keyed
 * by scheduledTurnKey), the creator of the schedule that ran it.
 */
export async function creatorOfTurn(
  tx: Prisma.TransactionClient,
  message: { id: string; senderInboxId: string },
): Promise<Creator> {
  if (message.senderInboxId) return message.senderInboxId;
  const scheduleId = SCHEDULED_TURN.exec(message.id)?.[1];
  if (!scheduleId) return null;
  const row = await tx.schedule.findUnique({ where: { id: scheduleId }, select: { createdByInboxId: true } });
  return row?.createdByInboxId ?? null;
}

function cleanText(text: string): string {
  const t = text.trim();
  if (!t) throw new ScheduleError("the text is empty");
  if (t.length > MAX_TEXT) throw new ScheduleError(`the text is longer than ${MAX_TEXT} characters`);
  return t;
}

/** Writes one active schedule row (a reminder when `rule` is null); resolves with its id. */
async function insert(
  tx: Prisma.TransactionClient,
  scope: ScheduleScope,
  o: { rule: string | null; text: string; mode?: ScheduleMode; nextRunAt: Date; createdBy?: Creator },
): Promise<string> {
  const row = await tx.schedule.create({
    data: {
      ...scope,
      rule: o.rule,
      mode: o.mode ?? "post",
      text: o.text,
      nextRunAt: o.nextRunAt,
      createdByInboxId: o.createdBy ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

/** A one-off reminder at `at`; resolves with its id. */
export async function createReminder(
  tx: Prisma.TransactionClient,
  scope: ScheduleScope,
  o: { at: Date; text: string; mode?: ScheduleMode; createdBy?: Creator },
  now = new Date(),
): Promise<{ id: string; at: Date }> {
  if (o.at.getTime() <= now.getTime()) throw new ScheduleError("that time has already passed");
  if (o.at.getTime() - now.getTime() > MAX_AHEAD_MS)
    throw new ScheduleError("reminders can be at most a year ahead");
  if (o.mode === "prompt" && o.at.getTime() - now.getTime() < PROMPT_MIN_LEAD_MS)
    throw new ScheduleError(
      `a prompt reminder must be at least ${PROMPT_MIN_LEAD_MS / 60_000} minutes ahead; use mode post for a sooner one`,
    );
  const text = cleanText(o.text);
  await assertRoom(tx, scope);
  const id = await insert(tx, scope, { ...o, rule: null, text, nextRunAt: o.at });
  return { id, at: o.at };
}

/** A recurring schedule from an RRULE starting at `start` (default now); resolves with its id and first run. */
export async function createSchedule(
  tx: Prisma.TransactionClient,
  scope: ScheduleScope,
  o: { rule: string; start?: Date; text: string; mode?: ScheduleMode; createdBy?: Creator },
  now = new Date(),
): Promise<{ id: string; next: Date; rule: string }> {
  const text = cleanText(o.text);
  if (o.start && Math.abs(o.start.getTime() - now.getTime()) > START_WITHIN_MS)
    throw new ScheduleError("the start must be within a day of now (leave it out to start now)");
  // Before the rule is expanded: a full conversation costs no computation.
  await assertRoom(tx, scope);
  let stored: string;
  let next: Date | null;
  try {
    stored = await normalizeRule(o.rule, o.start ?? now, scope.timeZone);
    next = await nextRun(
      stored,
      scope.timeZone,
      new Date(Math.max(now.getTime(), (o.start ?? now).getTime()) - 1),
    );
  } catch (error) {
    if (error instanceof RuleError) throw new ScheduleError(error.message);
    throw error;
  }
  if (!next) throw new ScheduleError("the rule has no run in the future");
  const id = await insert(tx, scope, { ...o, rule: stored, text, nextRunAt: next });
  return { id, next, rule: ruleText(stored) };
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

/**
 * Cancels what `inboxIds` asked for in the conversation `conversationId` (any of the agent identities in it):
 * they left it or were removed. Resolves with how many were active.
 */
export function cancelSchedulesOfMembers(conversationId: string, inboxIds: string[]): Promise<number> {
  if (inboxIds.length === 0) return Promise.resolve(0);
  return db.$transaction(async (tx) => {
    const identities = await tx.identity.findMany({ where: { conversationId }, select: { id: true } });
    if (identities.length === 0) return 0;
    return cancelWhere(tx, {
      identityId: { in: identities.map((i) => i.id) },
      createdByInboxId: { in: inboxIds },
    });
  });
}

/** Cancels what `inboxId` asked for in the conversation of `identityId` (they may no longer talk to the agent). */
export function cancelSchedulesOfCreator(identityId: string, inboxId: string): Promise<number> {
  return db.$transaction((tx) => cancelWhere(tx, { identityId, createdByInboxId: inboxId }));
}

/** Cancels every schedule of an agent (stopping it): resolves with how many were active. */
export function cancelAgentSchedules(agentId: string, tx?: Prisma.TransactionClient): Promise<number> {
  return tx ? cancelWhere(tx, { agentId }) : db.$transaction((t) => cancelWhere(t, { agentId }));
}

/** The owner cancels one of their agent's schedules: false when it isn't theirs or isn't active. */
export async function cancelScheduleOfOwner(ownerId: string, scheduleId: string): Promise<boolean> {
  return db.$transaction(async (tx) => (await cancelWhere(tx, { id: scheduleId, agent: { ownerId } })) === 1);
}
