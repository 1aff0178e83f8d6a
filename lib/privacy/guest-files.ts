/**
 * The browser chat's files (lib/chat/guest.ts, XMTP_ENV=local only): one guest identity per user and agent
 * under DATA_DIR/guests/<userId>/<agentId>, holding its keys and its XMTP database. Deleting an agent or an
 * account removes them too, after the chats are closed.
 */
import fs from "node:fs/promises";
import path from "node:path";

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Removes the guest files of `userId` (all their agents', or only `agentId`'s); ids that are not plain are refused. */
export async function eraseGuestChatFiles(dataDir: string, userId: string, agentId?: string): Promise<void> {
  if (!SAFE_ID.test(userId) || (agentId !== undefined && !SAFE_ID.test(agentId)))
    throw new Error("eraseGuestChatFiles: not a plain id");
  const dir = path.join(dataDir, "guests", userId, ...(agentId ? [agentId] : []));
  await fs.rm(dir, { recursive: true, force: true });
}
