"use server";
/** Template admin actions (admins only, checked here): create, edit, publish, feature, order. */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, type ActionResult } from "@/lib/actions";
import { createTemplate, setTemplateFlags, templateInput, updateTemplate } from "@/lib/templates/mutations";
import { config } from "@/lib/config";
import { allowedModels, checkAllowedModel } from "@/lib/llm/models";

export type TemplateState = ActionResult<{ message: string; id: string }> | null;

function refresh(slug?: string) {
  revalidatePath("/admin/templates");
  revalidatePath("/");
  if (slug) revalidatePath(`/a/${slug}`);
}

const saveAction = action(
  templateInput.extend({ id: z.string().max(64).optional() }),
  async ({ id, ...input }) => {
    if (input.model) checkAllowedModel(allowedModels(config()), input.model);
    const template = id ? await updateTemplate(id, input) : await createTemplate(input);
    refresh(template.slug);
    return { message: id ? `Saved ${template.name}.` : `Created ${template.name}.`, id: template.id };
  },
  { role: "admin" },
);

/** Creates (no `id`) or edits a template from the editor form. */
export async function saveTemplate(_state: TemplateState, form: FormData): Promise<TemplateState> {
  // One checkbox per tool: the action reads one value per field, so the ticked names travel as one list.
  form.set("tools", form.getAll("tools").map(String).join(","));
  return saveAction(form);
}

const flagsAction = action(
  z.object({
    id: z.string().min(1).max(64),
    published: z.enum(["true", "false"]).optional(),
    featured: z.enum(["true", "false"]).optional(),
    sortOrder: z.coerce.number().int("The order is a whole number.").min(-10_000).max(10_000).optional(),
  }),
  async ({ id, published, featured, sortOrder }) => {
    await setTemplateFlags(id, {
      ...(published ? { published: published === "true" } : {}),
      ...(featured ? { featured: featured === "true" } : {}),
      ...(sortOrder !== undefined ? { sortOrder } : {}),
    });
    refresh();
    return { message: "Updated.", id };
  },
  { role: "admin" },
);

/** Publishes/unpublishes, features/unfeatures or re-orders one template. */
export async function changeTemplateFlags(_state: TemplateState, form: FormData): Promise<TemplateState> {
  return flagsAction(form);
}
