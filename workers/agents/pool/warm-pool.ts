/**
 * The warm pool filler. Each pass reserves slots under the pool's advisory
 * lock (lib/pool/reservations.ts: never overshoots, however many workers run),
 * then creates the reserved identities with bounded concurrency: a fresh key
 * and XMTP inbox, an empty group whose appData holds a fresh tag, and an
 * invite signed by that key. A failure marks the identity failed and it is
 * retried with capped exponential backoff; it never takes the worker down.
 *
 * Failures never pile up: a half-made identity's database files are deleted at once (its retry starts
 * from a fresh key), and an identity retired after MAX_PROVISIONING_ATTEMPTS, which never held a key
 * anyone saw, is deleted with its row. Each attempt also tells the worker's row whether the XMTP network
 * answered (lib/workers/xmtp-reachability.ts), which /api/health, /admin and an empty-pool claim read.
 */
import fs from "node:fs/promises";
import type { Logger } from "pino";
import { createInvite, emojiForConversation, generateTag, updateAppData } from "@/lib/convos";
import {
  markIdle,
  markProvisioningFailed,
  MAX_PROVISIONING_ATTEMPTS,
  type Reservation,
} from "@/lib/identities/identity-status";
import type { BackoffOptions } from "@/lib/identities/backoff";
import { reservePoolSlots } from "@/lib/pool/reservations";
import { getPoolSettings } from "@/lib/pool/settings";
import { recordFailure } from "@/lib/events/mutations";
import { clientDbPath, closeXmtpClient } from "@/lib/xmtp";
import { pruneRetiredWarmIdentities, pruneRetiredWarmIdentity } from "@/lib/pool/prune";
import {
  isXmtpNetworkError,
  recordXmtpReached,
  recordXmtpUnreachable,
} from "@/lib/workers/xmtp-reachability";
import type { WorkerEvents } from "@/workers/agents/worker/events";
import type { IdentityClients, NewIdentityClient } from "./identity-client";
import { InFlight, repeat } from "@/workers/agents/worker/timers";

export interface PoolFillerOptions {
  workerId: string;
  leaseMs: number;
  intervalMs: number;
  identities: IdentityClients;
  events: WorkerEvents;
  log: Logger;
  inFlight: InFlight;
  /** Overrides PoolSetting.maxConcurrentCreates for this worker. */
  maxConcurrentCreates?: number;
  /** This worker's home: the warm identities it creates live there. */
  homeKey: string;
  /** True while the worker is draining: it creates nothing (what it made would live in a home being emptied). */
  paused?: () => boolean;
  /** The retry delays of a failed identity (default: lib/identities/backoff.ts's). */
  backoff?: BackoffOptions;
}

/** Creates one warm identity for a reservation and makes it idle. */
async function provision(o: PoolFillerOptions, reservation: Reservation): Promise<void> {
  const started = performance.now();
  const log = o.log.child({ identityId: reservation.id });
  let fresh: NewIdentityClient | undefined;
  try {
    fresh = await o.identities.create();
    await recordXmtpReached(o.workerId).catch(() => undefined);
    const group = await fresh.client.conversations.createGroup([], {});
    const appData = updateAppData(group.appData, {
      tag: generateTag(),
      emoji: emojiForConversation(group.id),
    });
    await group.updateAppData(appData);
    const invite = createInvite({
      conversationId: group.id,
      creatorInboxId: fresh.inboxId,
      privateKey: fresh.privateKey,
      appData,
      env: o.identities.home.env,
    });
    // Closed before the identity becomes claimable: its handoff opens the same database at once, and two
    // clients of one installation must never overlap (the closing one's workers still touch the file).
    const { inboxId, address, encryptedWalletKey, encryptedDbKey } = fresh;
    await closeXmtpClient(fresh.client);
    fresh = undefined;
    const kept = await markIdle(reservation.id, o.workerId, {
      inboxId,
      address,
      encryptedWalletKey,
      encryptedDbKey,
      conversationId: group.id,
      inviteUrl: invite.url,
      inviteTag: invite.tag,
      homeKey: o.homeKey,
    });
    const durationMs = Math.round(performance.now() - started);
    if (!kept) {
      log.warn({ durationMs }, "lost the lease of a provisioning identity; discarded");
      return;
    }
    log.info({ durationMs, inboxId }, "warm identity ready");
    o.events.emit("pool:created", { identityId: reservation.id, durationMs });
  } catch (err) {
    if (fresh) await discardHalfMade(o, fresh);
    fresh = undefined;
    await failed(o, reservation, err);
  } finally {
    // A warm identity runs nowhere until its handoff, which reopens it from its keys.
    if (fresh) await closeXmtpClient(fresh.client).catch(() => undefined);
  }
}

/** Closes a half-made identity's client and deletes its database files: its retry starts from a fresh key. */
async function discardHalfMade(o: PoolFillerOptions, fresh: NewIdentityClient): Promise<void> {
  await closeXmtpClient(fresh.client).catch(() => undefined);
  const file = clientDbPath(o.identities.home.env, fresh.inboxId, o.identities.home.dataDir);
  await Promise.all(["", "-wal", "-shm"].map((end) => fs.rm(file + end, { force: true })));
}

/** Records a failed attempt: backoff or retirement, the worker's view of XMTP, the failure event. */
async function failed(o: PoolFillerOptions, reservation: Reservation, err: unknown): Promise<void> {
  const log = o.log.child({ identityId: reservation.id });
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (isXmtpNetworkError(err)) await recordXmtpUnreachable(o.workerId, error).catch(() => undefined);
  const nextAttemptAt = await markProvisioningFailed(
    reservation.id,
    o.workerId,
    reservation.attempts,
    error,
    o.backoff,
  );
  await recordFailure({ error, identityId: reservation.id, workerId: o.workerId }).catch(() => undefined);
  if (reservation.attempts + 1 >= MAX_PROVISIONING_ATTEMPTS) {
    await pruneRetiredWarmIdentity(reservation.id);
    log.warn({ err }, "creating a warm identity failed for the last time; deleted");
  } else {
    log.warn({ err, nextAttemptAt }, "creating a warm identity failed; will retry");
  }
  o.events.emit("pool:failed", { identityId: reservation.id, error, nextAttemptAt });
}

/** Starts filling the pool; `kick()` runs a pass soon (after a claim), `close()` takes no new work. */
export function startPoolFiller(o: PoolFillerOptions): { kick(): void; close(): Promise<void> } {
  let creating = 0;
  let swept = false;
  const loop = repeat(
    o.intervalMs,
    async () => {
      if (!swept) {
        const pruned = await pruneRetiredWarmIdentities();
        if (pruned > 0) o.log.info({ pruned }, "deleted warm identities that failed for good");
        swept = true;
      }
      if (o.paused?.()) return;
      const limit = o.maxConcurrentCreates ?? (await getPoolSettings()).maxConcurrentCreates;
      const reserved = await reservePoolSlots(o.workerId, o.leaseMs, limit - creating);
      for (const r of reserved) {
        creating++;
        void o.inFlight.track(
          provision(o, r)
            .catch((err) => o.log.error({ err }, "provisioning crashed"))
            .finally(() => {
              creating--;
              loop.kick();
            }),
        );
      }
    },
    (err) => o.log.warn({ err }, "pool pass failed"),
    { jitter: 0.2 },
  );
  return loop;
}
