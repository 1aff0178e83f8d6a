import "server-only";
/**
 * Who is asking, for pages, actions and route handlers. Every check reads the
 * user from the database, so authorization never trusts the UI or a stale token.
 */
import { forbidden, redirect } from "next/navigation";
import { db } from "@/lib/db";
import type { User } from "@/lib/generated/prisma/client";
import { auth } from "./index";
import { roleFor } from "./roles";

export type SessionUser = Pick<User, "id" | "email" | "name" | "role">;

export class AuthorizationError extends Error {
  constructor(
    readonly code: "unauthenticated" | "forbidden",
    message: string,
  ) {
    super(message);
  }
}

/** The signed-in user, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db.user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, emailVerified: true },
  });
  if (!user) return null;
  // ADMIN_EMAILS (with a verified address) is the source of truth, also for users who signed in before it changed.
  const { emailVerified, ...rest } = user;
  return { ...rest, role: roleFor({ email: user.email, emailVerified }) };
}

/** For pages: the signed-in user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/** For pages: an admin, a redirect to sign-in, or HTTP 403 (app/forbidden.tsx) for everyone else. */
export async function requireAdmin(returnTo: string): Promise<SessionUser> {
  const user = await requireUser(returnTo);
  if (user.role !== "admin") forbidden();
  return user;
}
