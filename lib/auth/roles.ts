/**
 * Roles: ADMIN_EMAILS names the admins, and only an account whose address was proven theirs gets
 * the role: a magic link (Auth.js stamps emailVerified when one is used) or an OAuth profile that
 * says the address is verified (see markVerifiedFromProfile). Without that, an OAuth account
 * showing an admin's unverified address would be an admin. The development sign-in proves nothing
 * but is, by design, anyone-is-anyone on a developer's own machine, so there the list alone counts.
 * The role column mirrors this at every sign-in so queries (and the admin page) can rely on it.
 */
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import type { UserRole } from "@/lib/generated/prisma/client";
import { devSignInEnabled } from "./dev-signin";

export function roleFor(user: { email: string; emailVerified: Date | null }): UserRole {
  const listed = config().ADMIN_EMAILS.includes(user.email.trim().toLowerCase());
  return listed && (user.emailVerified !== null || devSignInEnabled()) ? "admin" : "user";
}

export async function syncRole(userId: string): Promise<UserRole> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, emailVerified: true },
  });
  const role = roleFor(user);
  await db.user.update({ where: { id: userId }, data: { role } });
  return role;
}

/**
 * Stamps emailVerified when an OAuth provider vouches for the address: Google's `email_verified`, and
 * GitHub's verified flag as lib/auth/verified-email.ts `githubUserinfo` reads it.
 */
export async function markVerifiedFromProfile(
  userId: string,
  email: string,
  profile: Record<string, unknown> | undefined,
): Promise<void> {
  if (profile?.email_verified !== true) return;
  if (
    typeof profile.email !== "string" ||
    profile.email.trim().toLowerCase() !== email.trim().toLowerCase()
  ) {
    return;
  }
  await db.user.updateMany({
    where: { id: userId, emailVerified: null },
    data: { emailVerified: new Date() },
  });
}
