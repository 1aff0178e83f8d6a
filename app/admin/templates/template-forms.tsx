"use client";
/** The template editor and the per-row publish/feature/order controls, each with a pending state and an announced result. */
import { greetingChoice } from "@/lib/agents/greeting";
import { useActionState, type ReactNode } from "react";
import type { Template } from "@/lib/generated/prisma/client";
import type { ToolInfo } from "@/lib/agents/tools/info";
import { ActionStatus, Success } from "@/app/_components/action-status";
import { changeTemplateFlags, saveTemplate, type TemplateState } from "./actions";

type Editable = Pick<
  Template,
  | "id"
  | "slug"
  | "name"
  | "emoji"
  | "category"
  | "description"
  | "instructions"
  | "skills"
  | "tools"
  | "suggestedMessages"
  | "published"
  | "featured"
  | "greeting"
  | "model"
  | "sortOrder"
>;

function Result({ state }: { state: TemplateState }) {
  return (
    <ActionStatus
      state={state}
      as="p"
      className="min-h-5 text-sm"
      testId="template-result"
      done={(d) => <Success message={d.message} />}
    />
  );
}

const field = "rounded-lg border border-line bg-canvas px-3 py-2";
const button =
  "rounded-lg border border-line bg-surface px-3 py-1.5 text-sm font-medium hover:border-accent disabled:opacity-60";

/** A labelled field of the editor; `wide` spans both columns. */
function Field({ label, wide = false, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <label className={`flex flex-col gap-1 text-sm font-medium${wide ? " sm:col-span-2" : ""}`}>
      {label}
      {children}
    </label>
  );
}

export function TemplateEditor({
  template,
  tools,
  models,
}: {
  template?: Editable;
  tools: ToolInfo[];
  /** The models the admin allows (LLM_MODELS), the default first. */
  models: string[];
}) {
  const [state, formAction, pending] = useActionState(saveTemplate, null);
  const t = template;
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-2" data-testid="template-editor">
      {t ? <input type="hidden" name="id" value={t.id} /> : null}
      <Field label="Slug">
        <input name="slug" required defaultValue={t?.slug} className={field} />
      </Field>
      <Field label="Name">
        <input name="name" required defaultValue={t?.name} className={field} />
      </Field>
      <Field label="Emoji">
        <input name="emoji" required defaultValue={t?.emoji} className={field} />
      </Field>
      <Field label="Category">
        <input name="category" required defaultValue={t?.category} className={field} />
      </Field>
      <Field label="Description" wide>
        <input name="description" required defaultValue={t?.description} className={field} />
      </Field>
      <Field label="Instructions (markdown)" wide>
        <textarea name="instructions" required rows={6} defaultValue={t?.instructions} className={field} />
      </Field>
      <Field label="Search keywords (comma-separated)">
        <input name="skills" defaultValue={t?.skills.join(", ")} className={field} />
      </Field>
      <Field label="Order">
        <input name="sortOrder" type="number" defaultValue={t?.sortOrder ?? 0} className={field} />
      </Field>
      <Field label="Suggested first messages (one per line)" wide>
        <textarea
          name="suggestedMessages"
          rows={3}
          defaultValue={t?.suggestedMessages.join("\n")}
          className={field}
        />
      </Field>
      <fieldset className="flex flex-col gap-1 text-sm sm:col-span-2">
        <legend className="font-medium">
          Tools (what the agent can do; shown as the catalog&apos;s badges)
        </legend>
        {tools.map((tool) => (
          <div key={tool.name} className="flex flex-wrap items-center gap-2">
            <label className="flex items-center gap-2 font-medium">
              <input
                type="checkbox"
                name="tools"
                value={tool.name}
                defaultChecked={t?.tools.includes(tool.name) ?? false}
                aria-describedby={`tool-${tool.name}`}
              />
              {tool.label}
            </label>
            <span id={`tool-${tool.name}`} className="text-ink-muted">
              {tool.summary}
            </span>
          </div>
        ))}
      </fieldset>
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" name="published" defaultChecked={t?.published ?? false} /> Published
      </label>
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" name="featured" defaultChecked={t?.featured ?? false} /> Featured
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Greeting on arrival
        <select
          name="greeting"
          defaultValue={greetingChoice(t?.greeting ?? null)}
          className="rounded-lg border border-line bg-canvas px-2 py-1.5 font-normal"
        >
          <option value="default">Default: greet in a new conversation, quiet when added or joining</option>
          <option value="greet">Always greet</option>
          <option value="quiet">Never greet</option>
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Model
        <select
          name="model"
          defaultValue={t?.model ?? ""}
          className="rounded-lg border border-line bg-canvas px-2 py-1.5 font-normal"
        >
          <option value="">Default: {models[0]}</option>
          {models.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          {t?.model && !models.includes(t.model) ? (
            <option value={t.model}>{t.model} (no longer allowed: agents use the default)</option>
          ) : null}
        </select>
      </label>
      <div className="flex items-center gap-3 sm:col-span-2">
        <button
          type="submit"
          disabled={pending}
          className="rounded-lg bg-accent px-4 py-2 font-medium text-accent-ink disabled:opacity-60"
        >
          {pending ? "Saving…" : t ? "Save template" : "Create template"}
        </button>
        <Result state={state} />
      </div>
    </form>
  );
}

type RowTemplate = Pick<Template, "id" | "name" | "published" | "featured" | "sortOrder">;

/** Flips one flag of a template: the button says `label` while the flag is off, `undo` while it is on. */
function FlagButton({
  formAction,
  pending,
  template,
  flag,
  label,
  undo,
}: {
  formAction: (form: FormData) => void;
  pending: boolean;
  template: RowTemplate;
  flag: "published" | "featured";
  label: string;
  undo: string;
}) {
  const text = template[flag] ? undo : label;
  return (
    <form action={formAction}>
      <input type="hidden" name="id" value={template.id} />
      <input type="hidden" name={flag} value={String(!template[flag])} />
      <button type="submit" disabled={pending} className={button} aria-label={`${text} ${template.name}`}>
        {text}
      </button>
    </form>
  );
}

export function TemplateRowControls({ template }: { template: RowTemplate }) {
  const [state, formAction, pending] = useActionState(changeTemplateFlags, null);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <FlagButton
        formAction={formAction}
        pending={pending}
        template={template}
        flag="published"
        label="Publish"
        undo="Unpublish"
      />
      <FlagButton
        formAction={formAction}
        pending={pending}
        template={template}
        flag="featured"
        label="Feature"
        undo="Unfeature"
      />
      <form action={formAction} className="flex items-center gap-1">
        <input type="hidden" name="id" value={template.id} />
        <label className="sr-only" htmlFor={`order-${template.id}`}>
          Order of {template.name}
        </label>
        <input
          id={`order-${template.id}`}
          name="sortOrder"
          type="number"
          defaultValue={template.sortOrder}
          key={template.sortOrder}
          className="w-16 rounded-lg border border-line bg-canvas px-2 py-1"
        />
        <button
          type="submit"
          disabled={pending}
          className={button}
          aria-label={`Save the order of ${template.name}`}
        >
          Set
        </button>
      </form>
      <Result state={state} />
    </div>
  );
}
