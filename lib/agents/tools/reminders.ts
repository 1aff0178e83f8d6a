/**
 * Reminders and schedules for the conversation: `remind` (once), `schedule`
 * (an RRULE), `reminders_list`, `reminder_cancel`. Times are read in the
 * agent's time zone; the worker holding the agent fires them (lib/schedules).
 */
import { z } from "zod";
import {
  cancelSchedule,
  createReminder,
  createSchedule,
  creatorOfTurn,
  describeSchedules,
  ScheduleError,
  type ScheduleScope,
} from "@/lib/schedules/mutations";
import { formatLocal, parseTime } from "@/lib/schedules/wall-clock";
import { asToolError } from "./as-tool-error";
import { defineTool, ToolError, type ToolContext } from "./types";

const scopeOf = (ctx: ToolContext): ScheduleScope => ({
  agentId: ctx.agentId,
  identityId: ctx.identityId,
  timeZone: ctx.timeZone,
});

const timeIn = (value: string, ctx: ToolContext) => {
  const at = parseTime(value, ctx.timeZone);
  if (!at) throw new ToolError(`"${value}" is not an ISO time like 2026-12-01T09:00`);
  return at;
};

const mode = z
  .enum(["post", "prompt"])
  .optional()
  .describe(
    'post (default): send the text as it is. prompt: the text is an instruction you will carry out then, e.g. "summarise the standup answers"',
  );

export const remindTool = defineTool({
  name: "remind",
  label: "Reminders",
  summary: "Sets one-off reminders for the conversation.",
  description:
    'Set a one-off reminder: at the given time the text is posted in this conversation. Turn "in 20 minutes" or "tomorrow at 9" into an ISO time from the current time you were given. A prompt reminder is at least 2 minutes ahead.',
  args: z.object({
    at: z
      .string()
      .max(40)
      .describe("ISO time, local to the conversation's time zone (2026-12-01T09:00) or with an offset"),
    text: z.string().max(1_000).describe("What to post then"),
    mode,
  }),
  effect: "database",
  async run({ at, text, mode }, ctx) {
    const createdBy = await creatorOfTurn(ctx.tx, ctx.message);
    const r = await asToolError(
      createReminder(ctx.tx, scopeOf(ctx), { at: timeIn(at, ctx), text, mode, createdBy }),
      ScheduleError,
    );
    return `Reminder [${r.id}] set for ${formatLocal(r.at, ctx.timeZone)} (${ctx.timeZone}).`;
  },
});

export const scheduleTool = defineTool({
  name: "schedule",
  label: "Schedules",
  summary: "Runs recurring schedules (every weekday at 9, every Monday) that post or act.",
  description:
    'Set a recurring schedule with an RFC 5545 RRULE read in the conversation\'s time zone, e.g. "every weekday at 9:00" = FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0. Runs are at least 15 minutes apart; the start is within a day of now.',
  args: z.object({
    rule: z.string().max(300).describe("The RRULE, without DTSTART"),
    text: z.string().max(1_000).describe("What to post each time, or (mode prompt) what to do each time"),
    mode,
    start: z.string().max(40).optional().describe("ISO local time of the first run's day; default now"),
  }),
  effect: "database",
  async run({ rule, text, mode, start }, ctx) {
    const createdBy = await creatorOfTurn(ctx.tx, ctx.message);
    const r = await asToolError(
      createSchedule(ctx.tx, scopeOf(ctx), {
        rule,
        text,
        mode,
        start: start ? timeIn(start, ctx) : undefined,
        createdBy,
      }),
      ScheduleError,
    );
    return `Schedule [${r.id}] set (${r.rule}); first run ${formatLocal(r.next, ctx.timeZone)} (${ctx.timeZone}).`;
  },
});

export const remindersListTool = defineTool({
  name: "reminders_list",
  label: "Reminders",
  summary: "Lists the conversation's reminders and schedules.",
  description: "List this conversation's active reminders and schedules with their references and next runs.",
  args: z.object({}),
  effect: "none",
  run: (_args, ctx) => describeSchedules(ctx.tx, scopeOf(ctx)),
});

export const reminderCancelTool = defineTool({
  name: "reminder_cancel",
  label: "Reminders",
  summary: "Cancels a reminder or schedule.",
  description:
    "Cancel one of this conversation's reminders or schedules by its reference (from reminders_list).",
  args: z.object({ id: z.string().max(60).describe("The reference, e.g. cmx2tz8uz00t8zi7d6xp6yusm") }),
  effect: "database",
  async run({ id }, ctx) {
    await asToolError(cancelSchedule(ctx.tx, scopeOf(ctx), id), ScheduleError);
    return `Cancelled [${id}].`;
  },
});
