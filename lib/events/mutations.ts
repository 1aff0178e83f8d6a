/** Writes to the event log that the admin page and the metrics read. */
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Records a claim event; `tx` puts it in the claim's transaction (the claim limits count these). */
export async function recordClaim(
  claim: { agentId: string; identityId?: string; latencyMs: number },
  tx: Prisma.TransactionClient = db,
) {
  await tx.event.create({
    data: { kind: "claim", agentId: claim.agentId, identityId: claim.identityId, latencyMs: claim.latencyMs },
  });
}

export async function recordFailure(failure: {
  error: string;
  agentId?: string;
  identityId?: string;
  workerId?: string;
}) {
  await db.event.create({ data: { kind: "failure", ...failure, error: failure.error.slice(0, 2000) } });
}

/** Records that `model` failed an answer of the agent's and `next` was asked instead (lib/llm/models.ts). */
export async function recordModelFallback(fallback: {
  agentId?: string;
  model: string;
  next: string;
  code: string;
  error: string;
}) {
  const { agentId, error, ...data } = fallback;
  await db.event.create({ data: { kind: "model_fallback", agentId, error: error.slice(0, 2000), data } });
}
