/** Writes to the event log that the admin page and the metrics read. */
import { db } from "@/lib/db";

export async function recordClaim(claim: { agentId: string; identityId?: string; latencyMs: number }) {
  await db.event.create({
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
