/**
 * The models an admin allows, and which one answers for an agent.
 *
 * LLM_MODELS lists the allowed models, comma-separated, in fallback order. An
 * entry is a model's name, or `name@https://base/v1` for a model behind
 * another OpenAI-compatible endpoint than LLM_BASE_URL (same LLM_API_KEY).
 * LLM_MODEL, the default, is always allowed: it comes first unless the list
 * names it elsewhere. Unset, the list is LLM_MODEL alone.
 *
 * An agent's model is its owner's choice, else its template's, else the
 * default; a choice the list no longer allows counts as none. Its fallback
 * chain is that model, then every other allowed model in list order: when a
 * model fails (its retries spent, or a timeout), the next one answers.
 *
 * With per-agent OpenRouter keys (OPENROUTER_MANAGEMENT_KEY), the models at LLM_BASE_URL (no `@url` of their
 * own) are asked at OPENROUTER_BASE_URL with the agent's own key; a model behind its own endpoint keeps
 * LLM_API_KEY. The list and its order stay the same.
 */
import { AppError } from "@/lib/errors";

export interface ModelEntry {
  /** The model's name, as the endpoint knows it. */
  name: string;
  baseURL: string;
}

/** The most entries LLM_MODELS may have (each is a client, and a failing answer may try them all). */
export const MAX_MODELS = 8;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

export class ModelNotAllowed extends AppError {
  constructor(name: string) {
    super("model_not_allowed", `The model "${name.slice(0, 200)}" is not one this server allows.`);
  }
}

function parseEntry(raw: string, baseURL: string): ModelEntry {
  const at = raw.search(/@https?:\/\//);
  const name = (at < 0 ? raw : raw.slice(0, at)).trim();
  const url = at < 0 ? baseURL : raw.slice(at + 1).trim();
  if (!NAME.test(name)) throw new Error(`"${raw}" is not a model name`);
  try {
    new URL(url);
  } catch {
    throw new Error(`"${raw}" has an invalid base URL`);
  }
  return { name, baseURL: url };
}

/** The allowed models, the default first unless listed; throws (with the reason) on a bad list. */
export function allowedModels(c: {
  LLM_MODELS?: string;
  LLM_MODEL: string;
  LLM_BASE_URL: string;
}): ModelEntry[] {
  const listed = (c.LLM_MODELS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => parseEntry(s, c.LLM_BASE_URL));
  const names = new Set<string>();
  for (const e of listed) {
    if (names.has(e.name)) throw new Error(`"${e.name}" is listed twice`);
    names.add(e.name);
  }
  const models = names.has(c.LLM_MODEL)
    ? listed
    : [{ name: c.LLM_MODEL, baseURL: c.LLM_BASE_URL }, ...listed];
  if (models.length > MAX_MODELS) throw new Error(`at most ${MAX_MODELS} models`);
  return models;
}

/** `name` when the list allows it; else ModelNotAllowed (what an owner's or a template's choice is checked with). */
export function checkAllowedModel(allowed: readonly ModelEntry[], name: string): string {
  if (!allowed.some((m) => m.name === name)) throw new ModelNotAllowed(name);
  return name;
}

/** The model an agent asks for: its owner's choice, else its template's (null: the default). */
export const chosenModel = (agent: { model: string | null }, template: { model: string | null } | null) =>
  agent.model ?? template?.model ?? null;

/** The models that answer for `chosen`, in order: it (the default when not allowed or none), then the rest. */
export function fallbackChain<T extends { name: string }>(
  allowed: readonly T[],
  chosen?: string | null,
): T[] {
  const first = allowed.find((m) => m.name === chosen) ?? allowed[0];
  return first ? [first, ...allowed.filter((m) => m !== first)] : [];
}

/** Whether an agent's own OpenRouter key calls `m` (it is at LLM_BASE_URL, not behind an endpoint of its own). */
export const onAgentKey = (m: ModelEntry, c: { LLM_BASE_URL: string }): boolean =>
  m.baseURL === c.LLM_BASE_URL;
