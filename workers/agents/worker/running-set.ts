/**
 * The agents this worker runs, and every move in and out of that set. An identity here is
 *
 *   pending   a handoff for it is under way, or its runtime is closing after its lease was lost or
 *             while it is handed back: no second handoff starts meanwhile, because two clients of one
 *             installation must never overlap;
 *   running   its runtime is in `runtimes` (the handoff puts it there; a stop, a failed handoff, a lost
 *             lease, a hand-back or `close()` takes it out);
 *   orphan    its handoff ended without a runtime here, but this worker may still hold its lease (a
 *             failure whose recording failed too): released now, else at the next renewals, because
 *             the heartbeat renews every lease the worker holds and would keep such an agent dark for
 *             as long as the worker lives.
 *
 * While the admin's drain lasts, nothing is handed over, and the running agents are handed back one at a
 * time: each runtime finishes its answer in flight and closes, then its lease is released for the
 * others. `close()` (shutdown) takes no more work and closes every runtime.
 *
 * The set knows runtimes only as things that close, and reaches the database and the handoff through
 * the functions it is given, so its unit test drives it without XMTP.
 */
import type { Logger } from "pino";
import type { WorkItem } from "@/lib/identities";

/** What the set needs of a runtime. */
export interface Closable {
  /** Ends its work and lets its client go; safe to call twice. */
  close(): Promise<void>;
}

export interface RunningSetDeps {
  /**
   * Hands one item over (handoff.ts), which puts the runtime it starts in `runtimes`; `leased`: the
   * caller already took its lease.
   */
  handOff(item: WorkItem, leased: boolean): Promise<unknown>;
  /** Releases the leases of these identities that this worker still holds. */
  releaseLeases(identityIds: string[]): Promise<unknown>;
  /** Work that shutdown waits for (the worker's InFlight). */
  track(work: Promise<unknown>): void;
  /** Told of each lease lost to another worker. */
  onLeaseLost?(identityId: string): void;
  log: Logger;
}

/** The runtimes this worker runs, by identity id, with the handoffs, hand-backs and closes around them. */
export class RunningSet<R extends Closable> {
  /** Runtimes by identity id: shared with the handoff and the stops as WorkerContext.running. */
  readonly runtimes = new Map<string, R>();
  readonly #deps: RunningSetDeps;
  readonly #pending = new Set<string>();
  readonly #orphans = new Set<string>();
  #draining = false;
  #closed = false;
  #handingBack = false;

  constructor(deps: RunningSetDeps) {
    this.#deps = deps;
  }

  /** Identity ids running here now. */
  ids(): string[] {
    return [...this.runtimes.keys()];
  }

  get size(): number {
    return this.runtimes.size;
  }

  /** True while the admin's drain lasts: nothing new is taken. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Whether `dispatch` would start the item's handoff now: not pending or running here, not draining or closed. */
  accepts(item: WorkItem): boolean {
    if (this.#closed || this.#draining || this.#pending.has(item.identityId ?? item.agentId)) return false;
    return !(item.identityId && this.runtimes.has(item.identityId));
  }

  /**
   * Starts the item's handoff when `accepts` allows it; false when not (a caller that took the lease
   * for it, `leased`, releases it then).
   */
  dispatch(item: WorkItem, o: { leased?: boolean } = {}): boolean {
    if (!this.accepts(item)) return false;
    const key = item.identityId ?? item.agentId;
    this.#pending.add(key);
    this.#deps.track(
      this.#deps
        .handOff(item, o.leased ?? false)
        .catch((err) => this.#deps.log.error({ err, agentId: item.agentId }, "handoff crashed"))
        .finally(() => {
          this.#pending.delete(key);
          if (item.identityId && !this.runtimes.has(item.identityId)) {
            this.#orphans.add(item.identityId);
            this.#releaseOrphans();
          }
        }),
    );
    return true;
  }

  /**
   * After a lease renewal that kept `held`: each runtime whose lease another worker took (our heartbeat
   * came too late) closes here, its identity pending until closed; orphans are released again.
   */
  leasesRenewed(held: ReadonlySet<string>): void {
    for (const [identityId, runtime] of this.runtimes) {
      if (held.has(identityId) || this.#pending.has(identityId)) continue;
      this.runtimes.delete(identityId);
      this.#deps.log.warn({ identityId }, "lease lost; closing the agent's runtime here");
      this.#deps.onLeaseLost?.(identityId);
      this.#pending.add(identityId);
      this.#deps.track(
        runtime
          .close()
          .catch((err) =>
            this.#deps.log.warn({ err, identityId }, "closing a runtime whose lease was lost failed"),
          )
          .finally(() => this.#pending.delete(identityId)),
      );
    }
    this.#releaseOrphans();
  }

  /** The admin's drain flag, read on each heartbeat: while it is set, the running agents are handed back. */
  setDraining(draining: boolean): void {
    if (draining !== this.#draining)
      this.#deps.log.info({ draining }, draining ? "draining: taking no new agents" : "drain ended");
    this.#draining = draining;
    if (draining && !this.#closed) this.#deps.track(this.#handBack());
  }

  /** Takes no more work from now on: no handoff, no hand-back (shutdown's first move). */
  refuseWork(): void {
    this.#closed = true;
  }

  /**
   * Takes no more work, closes every runtime here and forgets each once closed. Called again, it closes
   * those that handoffs in flight started meanwhile.
   */
  async close(): Promise<void> {
    this.refuseWork();
    await Promise.allSettled(
      [...this.runtimes].map(async ([identityId, runtime]) => {
        try {
          await runtime.close();
        } finally {
          if (this.runtimes.get(identityId) === runtime) this.runtimes.delete(identityId);
        }
      }),
    );
  }

  /** Hands the running agents back one at a time while the drain lasts; one pass at a time. */
  async #handBack(): Promise<void> {
    if (this.#handingBack) return;
    this.#handingBack = true;
    try {
      for (const [identityId, runtime] of this.runtimes) {
        if (!this.#draining || this.#closed) break;
        if (this.#pending.has(identityId)) continue;
        await this.#handBackOne(identityId, runtime);
      }
    } finally {
      this.#handingBack = false;
    }
  }

  async #handBackOne(identityId: string, runtime: R): Promise<void> {
    const { log, releaseLeases } = this.#deps;
    this.runtimes.delete(identityId);
    this.#pending.add(identityId);
    try {
      await runtime
        .close()
        .catch((err) => log.warn({ err, identityId }, "closing a handed-back runtime failed"));
      await releaseLeases([identityId]);
      log.info({ identityId, left: this.runtimes.size }, "draining: agent handed back");
    } catch (err) {
      log.warn({ err, identityId }, "releasing a handed-back lease failed; retried at the next heartbeat");
      this.#orphans.add(identityId);
    } finally {
      this.#pending.delete(identityId);
    }
  }

  #releaseOrphans(): void {
    for (const identityId of this.#orphans) {
      if (this.runtimes.has(identityId) || this.#pending.has(identityId)) {
        this.#orphans.delete(identityId);
        continue;
      }
      void this.#deps.releaseLeases([identityId]).then(
        () => this.#orphans.delete(identityId),
        (err) =>
          this.#deps.log.warn(
            { err, identityId },
            "releasing an unused lease failed; retried at the next heartbeat",
          ),
      );
    }
  }
}
