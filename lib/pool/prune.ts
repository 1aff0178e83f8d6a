/**
 * Pruning warm identities that failed for good. One retired after MAX_PROVISIONING_ATTEMPTS
 * (lib/identities/identity-status.ts) never held a key, an inbox or an agent: its row says nothing the
 * failure events do not, so it is deleted rather than kept, and a long XMTP outage leaves no trail of
 * dead rows behind (the pool keeps at most its target of failed ones, waiting for their retry).
 */
import { db } from "@/lib/db";
import { IDENTITY_TRANSITIONS } from "@/lib/identities/identity-status";

/** A warm identity retired while provisioning: no agent, no inbox, nothing but its row. */
const NEVER_MADE = {
  status: IDENTITY_TRANSITIONS.retireProvisioning.to,
  role: "creator",
  agentId: null,
  inboxId: null,
} as const;

/** Deletes the warm identity `id` if it was retired while provisioning (no agent, no inbox); true when deleted. */
export async function pruneRetiredWarmIdentity(id: string): Promise<boolean> {
  const { count } = await db.identity.deleteMany({ where: { id, ...NEVER_MADE } });
  return count === 1;
}

/** Deletes every warm identity retired while provisioning (those left by a run before pruning existed). */
export async function pruneRetiredWarmIdentities(): Promise<number> {
  const { count } = await db.identity.deleteMany({ where: NEVER_MADE });
  return count;
}
