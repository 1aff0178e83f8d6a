/**
 * The worker's typed events. Metrics, the admin views and tests subscribe here
 * instead of being woven into the loops. A listener that throws is logged and
 * skipped: it can never break the loop that emitted.
 */
import { EventEmitter } from "node:events";
import type { Logger } from "pino";

export interface WorkerEventMap {
  "worker:started": { workerId: string };
  "worker:stopped": { workerId: string; durationMs: number; released: number };
  "pool:created": { identityId: string; durationMs: number };
  "pool:failed": { identityId: string; error: string; nextAttemptAt: Date };
  "agent:live": {
    agentId: string;
    identityId: string;
    latencyMs: number | null;
    /** True when the agent was live already (after a worker restart or a lost lease): no handoff event. */
    liveAgain: boolean;
    durationMs: number;
  };
  "agent:member_joined": { agentId: string; identityId: string; inboxId: string; greeted: boolean };
  /** A sender went over their rate: the agent's stream pauses for `ms`, then a catch-up reads what came. */
  "agent:reading_paused": { agentId: string; identityId: string; sender: string; ms: number };
  "agent:answered": { agentId: string; identityId: string; messageId: string; durationMs: number };
  "agent:join_failed": { agentId: string; identityId: string; reason: string };
  "agent:stopped": { agentId: string; identityId: string; reason: string; durationMs: number };
  "agent:failed": { agentId: string; identityId: string | null; error: string };
  "lease:lost": { identityId: string };
}

export type WorkerEventName = keyof WorkerEventMap;
type Listener<K extends WorkerEventName> = (payload: WorkerEventMap[K]) => void;

export class WorkerEvents {
  readonly #emitter = new EventEmitter();

  constructor(private readonly log?: Logger) {
    this.#emitter.setMaxListeners(100);
  }

  on<K extends WorkerEventName>(name: K, listener: Listener<K>): this {
    this.#emitter.on(name, listener);
    return this;
  }

  off<K extends WorkerEventName>(name: K, listener: Listener<K>): this {
    this.#emitter.off(name, listener);
    return this;
  }

  /** Calls every listener; a throwing one is logged and the rest still run. */
  emit<K extends WorkerEventName>(name: K, payload: WorkerEventMap[K]): void {
    for (const listener of this.#emitter.listeners(name) as Listener<K>[]) {
      try {
        listener(payload);
      } catch (error) {
        this.log?.error({ err: error, event: name }, "event listener threw");
      }
    }
  }

  removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}
