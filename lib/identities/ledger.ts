/**
 * The HandledMessage ledger in PostgreSQL: lib/convos's HandledMessageLedger
 * for one identity, plus `claim`, which records and says whether this caller
 * was first (INSERT … ON CONFLICT DO NOTHING), so two processes racing on the
 * same message can never both act on it.
 */
import { db } from "@/lib/db";
import type { HandledKind, HandledMessageLedger } from "@/lib/convos";

/** Kinds the worker records besides the join-request outcomes. */
export type LedgerKind = HandledKind | "answered" | "skipped";

/** True when this call recorded the message (it was new); false when someone recorded it before. */
export async function claimMessage(
  identityId: string,
  messageId: string,
  kind: LedgerKind,
): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "HandledMessage" ("identityId", "messageId", kind)
    VALUES (${identityId}, ${messageId}, ${kind})
    ON CONFLICT ("identityId", "messageId") DO NOTHING`;
  return inserted === 1;
}

/** True when the message was recorded for this identity. */
export async function isHandled(identityId: string, messageId: string): Promise<boolean> {
  const row = await db.handledMessage.findUnique({
    where: { identityId_messageId: { identityId, messageId } },
    select: { messageId: true },
  });
  return row !== null;
}

/** The ledger of one identity, shared by every worker through the database. */
export class PgLedger implements HandledMessageLedger {
  constructor(readonly identityId: string) {}

  has(messageId: string): Promise<boolean> {
    return isHandled(this.identityId, messageId);
  }

  async record(messageId: string, kind: HandledKind): Promise<void> {
    await claimMessage(this.identityId, messageId, kind);
  }
}
