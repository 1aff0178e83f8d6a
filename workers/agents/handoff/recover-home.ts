/**
 * A lost home (docs/recovery.md): a live identity whose XMTP database is gone
 * for good from the worker's DATA_DIR. What the SDK allows, by experiment
 * (lost-home.test.ts): the same wallet key opens a new installation of the
 * same inbox, which sees nothing on its own; the next message any other
 * member sends (once that member's client last checked the group's
 * installations more than 5 s before) first commits the new installation into
 * the group, even when adding members is denied, so it gets a welcome and
 * reads that message and what follows, never what came before.
 *
 * So the recovery is:
 *   1. record `home_lost` first (so a crash anywhere below still ends in the
 *      wait of step 4 on the next handoff),
 *   2. revoke every installation of the inbox with the wallet key (the lost
 *      one can never be used again, and an inbox holds at most 10),
 *   3. open a new installation from the sealed keys,
 *   4. wait, holding the lease, until a member's commit brings the group
 *      (a welcome stream, and a sync every few seconds as fallback), then
 *      record `home_recovered`; the runtime's catch-up pass answers the
 *      message that brought it.
 * The agent cannot ask to be re-added: it is in no conversation with its
 * members any more, and its own invites are answered by itself.
 */
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import { stoppedAgentsAmong } from "@/lib/agents/lifecycle";
import { homeLostSince, recordHomeLost, recordHomeRecovered } from "@/lib/identities";
import { open } from "@/lib/secrets";
import { clientDbPath, revokeEveryInstallation, streamOptions } from "@/lib/xmtp";
import type { WorkerContext } from "@/workers/agents/worker/context";
import type { IdentityClient } from "@/workers/agents/pool/identity-client";

/** The identity fields the recovery reads. */
export interface RecoverableIdentity {
  id: string;
  agentId: string;
  inboxId: string | null;
  conversationId: string | null;
  encryptedWalletKey: Uint8Array | null;
  encryptedDbKey: Uint8Array | null;
}

/** How often the wait re-checks by itself (a sync, and whether the agent was stopped meanwhile). */
const CHECK_EVERY_MS = 5_000;

/** True when the identity has an inbox and keys but its database is not where this worker opens it. */
export function homeDatabaseLost(ctx: WorkerContext, s: RecoverableIdentity): boolean {
  if (!s.inboxId || !s.encryptedWalletKey || !s.encryptedDbKey) return false;
  return !fs.existsSync(clientDbPath(ctx.identities.home.env, s.inboxId, ctx.identities.home.dataDir));
}

/** Steps 1-3: records the loss, revokes every old installation, opens a new one from the sealed keys. */
export async function openNewInstallation(
  ctx: WorkerContext,
  s: RecoverableIdentity,
  log: Logger,
): Promise<IdentityClient> {
  if (!s.inboxId || !s.encryptedWalletKey) throw new Error("identity has no stored keys");
  // A retry after a failure below finds the loss recorded already: the gap counts from the first record.
  if (!(await homeLostSince(s.id)))
    await recordHomeLost({ identityId: s.id, agentId: s.agentId, workerId: ctx.workerId });
  const privateKey = open(ctx.sealingKey, s.encryptedWalletKey);
  const revoked = await revokeEveryInstallation(privateKey, s.inboxId, ctx.identities.home.env);
  const opened = await ctx.identities.open(s);
  log.warn(
    { revokedInstallations: revoked, installationId: opened.client.installationId },
    "the identity's database is lost: a new installation waits to be re-added by a member's next message",
  );
  return opened;
}

async function hasGroup(client: Client<unknown>, id: string): Promise<boolean> {
  await client.conversations.sync();
  return (await client.conversations.getConversationById(id)) !== undefined;
}

/**
 * Step 4, for an identity whose home was lost (an open `home_lost`; otherwise resolves true at once):
 * resolves true once the client has the identity's conversation (and records `home_recovered`), false
 * when the agent was stopped meanwhile; throws when the worker stops.
 */
export async function awaitReadd(
  ctx: WorkerContext,
  s: RecoverableIdentity,
  client: Client<unknown>,
  log: Logger,
  checkEveryMs = CHECK_EVERY_MS,
): Promise<boolean> {
  const lostAt = await homeLostSince(s.id);
  if (!lostAt) return true;
  const groupId = s.conversationId ?? "";
  const welcomes = await client.conversations.stream(streamOptions());
  // Settles when the group's welcome streams in, or when the stream ends or fails (then: syncs only).
  let streaming = true;
  const arrived = (async () => {
    for await (const conversation of welcomes) if (conversation?.id === groupId) return;
  })()
    .catch(() => undefined)
    .finally(() => (streaming = false));
  try {
    for (;;) {
      if (await hasGroup(client, groupId)) break;
      if ((await stoppedAgentsAmong([s.id])).length > 0) return false;
      const pause = sleep(checkEveryMs, undefined, { signal: ctx.signal });
      pause.catch(() => undefined); // still rejects the race below; never unhandled when the stream won it
      await (streaming ? Promise.race([arrived, pause]) : pause);
    }
  } catch (err) {
    if (ctx.signal.aborted) throw new Error("stopped while waiting to be re-added");
    throw err;
  } finally {
    await welcomes.end().catch(() => undefined);
  }
  const gapMs = await recordHomeRecovered({
    identityId: s.id,
    agentId: s.agentId,
    workerId: ctx.workerId,
    lostAt,
  });
  log.info({ gapMs }, "re-added to the conversation after the lost home");
  return true;
}
