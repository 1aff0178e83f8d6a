"use client";
import { SelectSettingForm } from "./select-setting-form";
import { changeModel } from "./model-actions";

/** The model the agent answers with, among those the admin allows; "" follows its template, else the default. */
export function ModelForm(p: {
  agentId: string;
  model: string | null;
  inherited: string;
  allowed: string[];
}) {
  return (
    <SelectSettingForm
      agentId={p.agentId}
      name="model"
      label="Model"
      saveLabel="Save model"
      options={[
        { value: "", label: `Default: ${p.inherited}` },
        ...p.allowed.map((name) => ({ value: name, label: name })),
      ]}
      value={p.model ?? ""}
      action={changeModel}
      done={(d) =>
        d.model ? `Saved: the agent now answers with ${d.model}.` : "Saved: the agent follows the default."
      }
    />
  );
}
