import { activeSchedules } from "@/lib/schedules/queries";
import { formatLocal } from "@/lib/schedules/wall-clock";
import { CancelScheduleButton } from "./cancel-schedule-button";

/** The agent's active reminders and schedules (next run, rule, text), each with a cancel button. */
export async function Schedules({ agentId }: { agentId: string }) {
  const schedules = await activeSchedules(agentId);
  if (schedules.length === 0)
    return (
      <p className="text-sm text-ink-muted">No reminders or schedules. Ask the agent for one in the chat.</p>
    );
  return (
    <table className="w-full text-left text-sm" data-testid="schedules">
      <thead className="text-ink-muted">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">
            Next run
          </th>
          <th scope="col" className="py-1 pr-3 font-medium">
            Repeats
          </th>
          <th scope="col" className="py-1 pr-3 font-medium">
            Text
          </th>
          <th scope="col" className="py-1 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {schedules.map((s) => (
          <tr key={s.id} className="border-t border-line align-top">
            <td className="py-2 pr-3 whitespace-nowrap">
              {s.nextRunAt ? (
                <time dateTime={s.nextRunAt.toISOString()}>
                  {formatLocal(s.nextRunAt, s.timeZone)}{" "}
                  <span className="text-ink-muted">({s.timeZone})</span>
                </time>
              ) : (
                "—"
              )}
            </td>
            <td className="py-2 pr-3 font-mono text-xs break-all">{s.rule ?? "once"}</td>
            <td className="py-2 pr-3">
              {s.mode === "prompt" ? <span className="text-ink-muted">Task: </span> : null}
              {s.text}
            </td>
            <td className="py-2">
              <CancelScheduleButton
                agentId={agentId}
                scheduleId={s.id}
                what={s.rule ? "schedule" : "reminder"}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
