/**
 * Pruning warm identities that failed for good. One retired after MAX_PROVISIONING_ATTEMPTS
 * (lib/identities/identity-status.ts) never held a key, an inbox or an agent: its row says nothing the
 * failure events do not, so it is deleted rather than kept, and a long XMTP outage leaves no trail of
 * dead rows behind (the pool keeps at most its target of failed ones, waiting for their retry).
 */
import { db } from "@/lib/db";
import { IDENTITY_TRANSITIONS } from "@/lib/identities/identity-status";

/** Deletes the warm identity `id` if it was retired while provisioning (no agent, no inbox); true when deleted. */
export async function pruneRetiredWarmIdentity(id: string): Promise<boolean> {
  const { count } = await db.identity.deleteMany({
    where: {
      id,
      status: IDENTITY_TRANSITIONS.retireProvisioning.to,
      role: "creator",
      agentId: null,
      inboxId: null,
    },
  });
  return count === 1;
}
