/**
 * Roles: ADMIN_EMAILS names the admins. The role column mirrors it at every
 * sign-in so queries (and the admin page) can rely on it.
 */
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import type { UserRole } from "@/lib/generated/prisma/client";

export function roleForEmail(email: string): UserRole {
  return config().ADMIN_EMAILS.includes(email.trim().toLowerCase()) ? "admin" : "user";
}

export async function syncRole(userId: string, email: string): Promise<UserRole> {
  const role = roleForEmail(email);
  await db.user.update({ where: { id: userId }, data: { role } });
  return role;
}
