/**
 * The owner's or an admin's stops of agents this worker runs. A stop arrives as a NOTIFY, or is found by
 * the check each heartbeat makes in case a notification was missed; either way one wind-down per agent
 * runs at a time (stop/stop.ts), and after `close()` (shutdown) none starts.
 */
import type { Logger } from "pino";

export interface StopRequestsDeps {
  /** Winds the agent's runtimes here down (stopAgentHere). */
  stopAgent(agentId: string): Promise<void>;
  /** The agents stopped among those this worker runs (a database read). */
  stoppedAmongRunning(): Promise<string[]>;
  /** Work that shutdown waits for (the worker's InFlight). */
  track(work: Promise<unknown>): void;
  log: Logger;
}

/** Carries out stops of agents running here, each once at a time, by NOTIFY or found on a heartbeat. */
export class StopRequests {
  readonly #deps: StopRequestsDeps;
  readonly #stopping = new Set<string>();
  #checking = false;
  #closed = false;

  constructor(deps: StopRequestsDeps) {
    this.#deps = deps;
  }

  /** Winds the agent down here unless that is already under way. */
  request(agentId: string): void {
    if (this.#closed || this.#stopping.has(agentId)) return;
    this.#stopping.add(agentId);
    this.#deps.track(
      this.#deps
        .stopAgent(agentId)
        .catch((err) => this.#deps.log.warn({ err, agentId }, "stopping an agent failed"))
        .finally(() => this.#stopping.delete(agentId)),
    );
  }

  /** Looks for stops a missed notification did not bring; one look at a time. */
  async check(): Promise<void> {
    if (this.#checking || this.#closed) return;
    this.#checking = true;
    try {
      for (const agentId of await this.#deps.stoppedAmongRunning()) this.request(agentId);
    } catch (err) {
      this.#deps.log.warn({ err }, "checking for stopped agents failed");
    } finally {
      this.#checking = false;
    }
  }

  /** Starts no more wind-downs (those under way finish as in-flight work). */
  close(): void {
    this.#closed = true;
  }
}
