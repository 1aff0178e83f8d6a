/**
 * Keeps every live agent verifiable: verifiers reject an attestation older than 24 hours
 * (docs/convos-protocol.md §8.5), so each agent this worker runs publishes its profile again, with a fresh
 * attestation, once its last one reaches its renewal age.
 *
 * The renewal age is 12 hours less a share of up to 3 hours that is fixed per identity (a hash of its id):
 * agents launched in the same minute drift apart from their first renewal on, so a worker's 1,000 agents
 * renew spread over the window instead of all at once, and each still has 12 hours of slack before the
 * limit. A pass runs about every minute, and at once when an agent goes live; it reads the last
 * attestation time of the identities this worker runs (one query, recorded by agent-profile.ts) and
 * renews the due ones a few at a time. The time lives in PostgreSQL, not in the process: after a restart or
 * a failover, an agent whose attestation is past its renewal age, or that has none (a join, an agent from
 * before attestation), renews in the first pass after its handoff.
 */
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { publishedProfiles, type PublishedProfile } from "@/lib/attestation/queries";
import type { AgentRuntime } from "@/workers/agents/runtime/contracts";
import type { WorkerEvents } from "./events";
import { withDeadline } from "@/lib/deadlines";
import { Slots } from "@/lib/slots";
import { repeat } from "./timers";

/** The longest an attestation goes unrenewed. */
export const RENEW_AFTER_MS = 12 * 60 * 60 * 1000;
/** The share of RENEW_AFTER_MS by which an identity renews earlier, spread by its id. */
export const RENEW_SPREAD = 0.25;
/** How often a pass looks for due renewals. */
export const RENEWAL_TICK_MS = 60_000;
/** Renewals one worker sends at once. */
const CONCURRENCY = 4;

/** The age at which `identityId`'s attestation is renewed: between 9 and 12 hours, fixed per identity. */
export function renewalAgeMs(identityId: string): number {
  const share = createHash("sha256").update(identityId).digest().readUInt32BE(0) / 2 ** 32;
  return Math.round(RENEW_AFTER_MS * (1 - RENEW_SPREAD * share));
}

/** Whether a published profile needs a fresh attestation at `now`. */
export function renewalDue(p: PublishedProfile, now: Date): boolean {
  return p.attestedAt === null || now.getTime() - p.attestedAt.getTime() >= renewalAgeMs(p.identityId);
}

export interface RenewalOptions {
  /** The runtimes this worker runs, by identity id (the running set's map). */
  running: ReadonlyMap<string, AgentRuntime>;
  clock: () => Date;
  tickMs: number;
  /** The longest one renewal's send may take. */
  deadlineMs: number;
  events: WorkerEvents;
  log: Logger;
}

/** One pass: renews the due attestations of the agents running now; returns how many it renewed. */
export async function renewDueAttestations(o: Omit<RenewalOptions, "tickMs" | "events">): Promise<number> {
  const now = o.clock();
  const due = (await publishedProfiles([...o.running.keys()])).filter((p) => renewalDue(p, now));
  const slots = new Slots(CONCURRENCY);
  const results = await Promise.all(
    due.map((p) =>
      slots.run(async () => {
        const runtime = o.running.get(p.identityId);
        if (!runtime) return false; // closed meanwhile: its next run renews it
        try {
          await withDeadline(runtime.profile.renew(p.profileName), o.deadlineMs, "renewing an attestation");
          return true;
        } catch (err) {
          o.log.warn({ err, identityId: p.identityId }, "renewing the attestation failed; next pass retries");
          return false;
        }
      }),
    ),
  );
  return results.filter(Boolean).length;
}

/**
 * Starts the passes (every `tickMs`, jittered; at once when an agent goes live) when attestation is on;
 * `close()` waits for a pass in progress.
 */
export function startAttestationRenewal(o: RenewalOptions): { close(): Promise<void> } {
  const loop = repeat(
    o.tickMs,
    async () => {
      const started = performance.now();
      const renewed = await renewDueAttestations(o);
      if (renewed > 0)
        o.log.info({ renewed, durationMs: Math.round(performance.now() - started) }, "attestations renewed");
    },
    (err) => o.log.warn({ err }, "the attestation renewal pass failed"),
    { jitter: 0.2 },
  );
  const onLive = () => loop.kick();
  o.events.on("agent:live", onLive);
  return {
    close: async () => {
      o.events.off("agent:live", onLive);
      await loop.close();
    },
  };
}
