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

/**
 * Whether the member who asked for a schedule may still talk to the agent under its policy (operators always;
 * open; allowlist: on it; pairing: approved; disabled: operators only). A schedule of someone who may not ends.
 */
export async function creatorMayTalk(
  agent: { id: string; dmPolicy: string; operators: string[]; allowlist: string[] },
  inboxId: string,
): Promise<boolean> {
  if (agent.operators.includes(inboxId)) return true;
  switch (agent.dmPolicy) {
    case "open":
      return true;
    case "allowlist":
      return agent.allowlist.includes(inboxId);
    case "pairing": {
      const pairing = await db.pairingRequest.findUnique({
        where: { agentId_inboxId: { agentId: agent.id, inboxId } },
        select: { approvedAt: true },
      });
      return pairing?.approvedAt != null;
    }
    default:
      return false;
  }
}
