/**
 * JSON answers of the route handlers: `{error: {code, message}}` with the
 * right status, and constant-time secret checks.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/errors";

export function jsonError(code: string, message: string, status: number, headers?: HeadersInit): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

/** An AppError as its JSON answer; anything else is logged and answered 500 `internal` without details. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) return jsonError(error.code, error.message, error.status);
  console.error("[api] unexpected error", error);
  return jsonError("internal", "Something went wrong on our side. Please try again.", 500);
}

/** Compares a presented secret with the expected one in constant time (SHA-256 digests: equal lengths). */
export function secretMatches(presented: string | null | undefined, expected: string | undefined): boolean {
  if (!presented || !expected) return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
