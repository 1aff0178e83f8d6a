/**
 * Taking warm identities from the run's bank (test/setup/warm-identities.ts) into a test file's
 * database and DATA_DIR. An identity is taken by one statement (DELETE … SKIP LOCKED … RETURNING), so two
 * files never get the same one; its XMTP database moves with it, and it is placed in the file's home, as if
 * the file's own worker had made it there.
 */
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { localNodeUrl } from "@/lib/xmtp/client.ts";
import { inject } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { WarmIdentity } from "@/lib/identities/identity-status";
import { homeKeyOf } from "@/lib/xmtp/home";
import { xmtpDbDir } from "@/lib/xmtp/paths";

/** A warm identity as the bank's worker made it; its home becomes the taking file's. */
interface BankedIdentity extends Omit<WarmIdentity, "homeKey"> {
  id: string;
  role: "creator" | "joiner";
  createdAt: Date;
}

/** Moves a file, or copies it when the bank and the test's DATA_DIR are on different file systems. */
function move(from: string, to: string) {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    fs.copyFileSync(from, to);
    fs.rmSync(from);
  }
}

/**
 * Moves up to `count` idle identities from the bank into `db` and `dataDir` (idle, in that DATA_DIR's
 * home), waiting up to `waitMs` for the bank to have them; returns how many it moved. Outside the xmtp
 * tier (no bank), or on another node than the bank's, it moves none: the file's worker makes them.
 */
export async function takeWarmIdentities(
  count: number,
  db: PrismaClient,
  dataDir: string,
  waitMs = 5_000,
): Promise<number> {
  const bank = inject("warmIdentities");
  // The bank's identities are registered on the shared node: a file that points this process at a node
  // of its own (handoff-deadline.test.ts) has its worker make them there.
  if (!bank || count <= 0 || localNodeUrl() !== bank.apiUrl) return 0;
  const taken: BankedIdentity[] = [];
  const client = new pg.Client({ connectionString: bank.databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const { rows } = await client.query<BankedIdentity>(
        `DELETE FROM "Identity" WHERE id IN (
           SELECT id FROM "Identity" WHERE status = 'idle' ORDER BY "createdAt" LIMIT $1 FOR UPDATE SKIP LOCKED
         ) RETURNING *`,
        [count - taken.length],
      );
      taken.push(...rows);
      if (taken.length >= count || Date.now() > deadline) break;
      await sleep(200);
    }
  } finally {
    await client.end();
  }
  const from = xmtpDbDir(bank.dataDir);
  const to = xmtpDbDir(dataDir);
  fs.mkdirSync(to, { recursive: true });
  const homeKey = homeKeyOf(dataDir);
  const files = fs.readdirSync(from);
  for (const identity of taken) {
    // The client database and its -wal and -shm files: closed by the bank's worker before it went idle.
    for (const file of files.filter((f) => f.includes(identity.inboxId)))
      move(path.join(from, file), path.join(to, file));
    const { id, role, inboxId, address, encryptedWalletKey, encryptedDbKey, createdAt } = identity;
    const { conversationId, inviteUrl, inviteTag } = identity;
    await db.identity.create({
      data: {
        ...{ id, role, inboxId, address, encryptedWalletKey, encryptedDbKey, createdAt },
        ...{ conversationId, inviteUrl, inviteTag, homeKey, status: "idle" },
      },
    });
  }
  return taken.length;
}
