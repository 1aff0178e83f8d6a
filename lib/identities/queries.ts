/** Reads about identities that no transition owns. */
import { db } from "@/lib/db";

/** True when `inboxId` is one of this deployment's identities: one of our agents, whatever its profile says. */
export async function isOwnInbox(inboxId: string): Promise<boolean> {
  return (await db.identity.count({ where: { inboxId } })) > 0;
}
