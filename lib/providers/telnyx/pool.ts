/**
 * Giving numbers back to our pool. A number is never released to Telnyx: a stopped agent's number goes
 * back to the pool (agentId null, freedAt now), and the next agent that needs one takes the longest-freed
 * (./numbers.ts). An erased agent's number is freed by the foreign key too (ON DELETE SET NULL).
 */
import type { Prisma } from "@/lib/generated/prisma/client";

/** Frees the agent's number, in the caller's transaction (the stop's); idempotent. */
export async function freeAgentNumbers(tx: Prisma.TransactionClient, agentId: string): Promise<number> {
  return tx.$executeRaw`
    UPDATE "PhoneNumber" SET "agentId" = NULL, "freedAt" = now() WHERE "agentId" = ${agentId}`;
}
