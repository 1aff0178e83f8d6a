import "server-only";
/**
 * The one shape of every server action: input parsed with zod, the session
 * and role checked inside the action (never only in the UI), and a result of
 * `{ok: true, data}` or `{ok: false, error: {code, message}}`. Errors that
 * are AppErrors keep their code and message; anything else is logged and
 * reported as `internal` without leaking details.
 */
import { z } from "zod";
import { currentUser, type SessionUser } from "@/lib/auth/session";
import { AppError } from "./errors";

export type ActionError = { code: string; message: string };
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

type Role = "user" | "admin";

export function action<S extends z.ZodType, T>(
  schema: S,
  fn: (input: z.infer<S>, user: SessionUser) => Promise<T>,
  options: { role?: Role } = {},
): (input: unknown) => Promise<ActionResult<T>> {
  return async (input: unknown) => {
    const user = await currentUser();
    if (!user) return fail("unauthenticated", "Please sign in first.");
    if (options.role === "admin" && user.role !== "admin")
      return fail("forbidden", "Only admins can do that.");
    const parsed = schema.safeParse(input instanceof FormData ? Object.fromEntries(input) : input);
    if (!parsed.success) return fail("invalid_input", parsed.error.issues.map((i) => i.message).join("; "));
    try {
      return { ok: true, data: await fn(parsed.data, user) };
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message);
      console.error("[action] unexpected error", error);
      return fail("internal", "Something went wrong on our side. Please try again.");
    }
  };
}

function fail(code: string, message: string): { ok: false; error: ActionError } {
  return { ok: false, error: { code, message } };
}
