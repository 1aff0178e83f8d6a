"use client";
import { SelectSettingForm } from "./select-setting-form";
import { changeTimeZone } from "./settings-actions";

/** The agent's time zone, changeable; the result is announced. */
export function TimeZoneForm({
  agentId,
  timeZone,
  zones,
}: {
  agentId: string;
  timeZone: string;
  zones: string[];
}) {
  return (
    <SelectSettingForm
      agentId={agentId}
      name="timeZone"
      label="Time zone"
      saveLabel="Save time zone"
      options={zones.map((zone) => ({ value: zone, label: zone }))}
      value={timeZone}
      action={changeTimeZone}
      done={(d) => `Saved: the agent now tells time in ${d.timeZone}.`}
    />
  );
}
