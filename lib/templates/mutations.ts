/**
 * Admin writes to the catalog, with the validation rules in one zod schema:
 * slug pattern and lengths, non-empty texts with limits, skills and suggested
 * messages as short lists, tools as names from the tool registry. A taken slug
 * is a clear `slug_taken` error.
 */
import { GREETING_CHOICES, greetingValue } from "@/lib/agents/greeting";
import { z } from "zod";
import { TOOL_NAMES, unknownToolNames } from "@/lib/agents/tools/registry";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { Prisma, type Template } from "@/lib/generated/prisma/client";

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const text = (what: string, max: number) =>
  z.string().trim().min(1, `${what} is required.`).max(max, `${what} can be at most ${max} characters.`);

/** A list from a textarea or field: split on newlines (or commas), trimmed, empties dropped. */
const list = (what: string, maxItems: number, maxLength: number, separator: RegExp) =>
  z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(separator)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().max(maxLength, `Each ${what} can be at most ${maxLength} characters.`))
        .max(maxItems, `At most ${maxItems} ${what}s.`),
    );

const checkbox = z
  .union([z.literal("on"), z.literal("true"), z.literal("false"), z.boolean()])
  .optional()
  .transform((v) => v === true || v === "on" || v === "true");

export const templateInput = z.object({
  slug: z
    .string()
    .trim()
    .min(2, "The slug needs at least 2 characters.")
    .max(64, "The slug can be at most 64 characters.")
    .regex(
      SLUG,
      "The slug may only have lower-case letters and digits, joined by single hyphens (e.g. trip-planner).",
    ),
  name: text("The name", 80),
  emoji: text("The emoji", 16),
  category: z
    .string()
    .trim()
    .min(2, "The category is required.")
    .max(40, "The category can be at most 40 characters.")
    .regex(SLUG, "The category is a lower-case word or words joined by hyphens (e.g. travel)."),
  description: text("The description", 300),
  instructions: text("The instructions", 20_000),
  skills: list("skill", 12, 40, /[,\n]/),
  suggestedMessages: list("suggested message", 8, 200, /\n/),
  /** The agent's tools: the form's checkboxes, joined with commas (see the admin action). */
  tools: list("tool", TOOL_NAMES.length, 40, /[,\s]+/).superRefine((names, ctx) => {
    const unknown = unknownToolNames(names);
    if (unknown.length > 0)
      ctx.addIssue({
        code: "custom",
        message: `Unknown tool${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")} (known: ${TOOL_NAMES.join(", ")}).`,
      });
  }),
  published: checkbox,
  featured: checkbox,
  /** Whether its agents greet on arrival (lib/agents/greeting.ts); "default" is stored as null. */
  greeting: z
    .enum(GREETING_CHOICES, { message: "Choose whether its agents greet." })
    .default("default")
    .transform(greetingValue),
  sortOrder: z.coerce.number().int("The order is a whole number.").min(-10_000).max(10_000).default(0),
  /** The model its agents answer with, one of LLM_MODELS (checked by the action); "" is stored as null. */
  model: z
    .string()
    .trim()
    .max(200)
    .default("")
    .transform((v) => v || null),
});

export type TemplateInput = z.infer<typeof templateInput>;

function slugTaken(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function createTemplate(input: TemplateInput): Promise<Template> {
  try {
    return await db.template.create({ data: input });
  } catch (error) {
    if (slugTaken(error))
      throw new AppError("slug_taken", `The slug "${input.slug}" is already used by another template.`, 409);
    throw error;
  }
}

export async function updateTemplate(id: string, input: TemplateInput): Promise<Template> {
  try {
    return await db.template.update({ where: { id }, data: input });
  } catch (error) {
    if (slugTaken(error))
      throw new AppError("slug_taken", `The slug "${input.slug}" is already used by another template.`, 409);
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") {
      throw new AppError("not_found", "That template no longer exists.", 404);
    }
    throw error;
  }
}

/** Publish, feature or re-order one template. */
export async function setTemplateFlags(
  id: string,
  flags: Partial<Pick<Template, "published" | "featured" | "sortOrder">>,
): Promise<void> {
  const { count } = await db.template.updateMany({ where: { id }, data: flags });
  if (count === 0) throw new AppError("not_found", "That template no longer exists.", 404);
}

/** Every template, published or not, in catalog order, for the admin. */
export async function listAllTemplates(): Promise<Template[]> {
  return db.template.findMany({ orderBy: [{ category: "asc" }, { sortOrder: "asc" }, { name: "asc" }] });
}
