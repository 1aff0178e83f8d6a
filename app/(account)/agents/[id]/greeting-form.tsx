"use client";
import type { GreetingChoice } from "@/lib/agents/greeting";
import { SelectSettingForm } from "./select-setting-form";
import { changeGreeting } from "./settings-actions";

const LABELS: Record<GreetingChoice, string> = {
  default: "Default: greet in a new conversation, stay quiet when added or joining",
  greet: "Always greet on arrival",
  quiet: "Never greet: answer when spoken to",
};

const DONE: Record<GreetingChoice, string> = {
  default: "Saved: the agent greets as the default says.",
  greet: "Saved: the agent greets when it arrives.",
  quiet: "Saved: the agent no longer greets.",
};

/** Whether the agent greets when it arrives in a conversation; the result is announced. */
export function GreetingForm({ agentId, greeting }: { agentId: string; greeting: GreetingChoice }) {
  return (
    <SelectSettingForm
      agentId={agentId}
      name="greeting"
      label="Greeting"
      saveLabel="Save greeting"
      options={(Object.keys(LABELS) as GreetingChoice[]).map((choice) => ({
        value: choice,
        label: LABELS[choice],
      }))}
      value={greeting}
      action={changeGreeting}
      done={(d) => DONE[d.greeting]}
    />
  );
}
