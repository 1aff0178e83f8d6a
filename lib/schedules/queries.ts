/** Reading an agent's schedules for its page. */
import { db } from "@/lib/db";
import { ruleText } from "./rules";

export interface ScheduleView {
  id: string;
  /** The RRULE line, or null for a one-off reminder. */
  rule: string | null;
  mode: string;
  text: string;
  nextRunAt: Date | null;
  timeZone: string;
  firings: number;
}

/** The agent's active reminders and schedules, soonest first. */
export async function activeSchedules(agentId: string): Promise<ScheduleView[]> {
  const rows = await db.schedule.findMany({
    where: { agentId, status: "active" },
    orderBy: { nextRunAt: "asc" },
    select: { id: true, rule: true, mode: true, text: true, nextRunAt: true, timeZone: true, firings: true },
  });
  return rows.map((r) => ({ ...r, rule: r.rule ? ruleText(r.rule) : null }));
}
