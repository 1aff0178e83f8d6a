/**
 * What the worker's parts share: one object, built once by `startWorker` and
 * passed along to the handoff, each agent runtime and each answer, instead of
 * a bundle of options re-declared at every level.
 */
import type { Logger } from "pino";
import type { Config } from "@/lib/config";
import type { AttestationKeys } from "@/lib/attestation/keys";
import type { ToolSettings } from "@/lib/agents/tools";
import type { SealingKey } from "@/lib/secrets";
import type { IdentityClients } from "@/workers/agents/pool/identity-client";
import type { AgentRuntime } from "@/workers/agents/runtime/contracts";
import type { ConversationOps, Responder } from "@/workers/agents/answer/contracts";
import type { WorkerEvents } from "./events";
import type { Slots } from "@/lib/slots";
import type { InFlight } from "./timers";

/** The worker's settings, resolved once in main.ts (tests build their own): nothing below reads the environment. */
export type WorkerSettings = Readonly<Config>;

export interface WorkerContext {
  workerId: string;
  settings: WorkerSettings;
  /** What tools read of the settings (the web search provider), built once from them. */
  toolSettings: ToolSettings;
  /** The id of this worker's DATA_DIR (lib/xmtp/home.ts): it hands over only identities of this home. */
  homeKey: string;
  leaseMs: number;
  joinTimeoutMs: number;
  /**
   * The longest one handoff step may take (handoff.ts): a hung step would otherwise keep its lease
   * renewed by the heartbeat, and its agent dark, for as long as the worker lives.
   */
  handoffStepMs: number;
  /**
   * Handoff steps running at once (WORKER_HANDOFF_CONCURRENCY): a burst of claims, or the agents of a dead
   * worker, would otherwise open hundreds of clients at once, and time out on the CPU and the database pool.
   */
  handoffSlots: Slots;
  sealingKey: SealingKey;
  /** Creates and reopens identities' XMTP clients in this worker's XMTP environment and DATA_DIR. */
  identities: IdentityClients;
  responder: Responder;
  events: WorkerEvents;
  log: Logger;
  /** Everything the worker waits for on shutdown (answers, handoffs, identities being created). */
  inFlight: InFlight;
  /** Aborted when the shutdown's grace period is over. */
  signal: AbortSignal;
  /**
   * Runtimes by identity id: the running set's map (running-set.ts), which owns the moves in and out of it;
   * the handoff adds a runtime it started, a stop or a failed handoff removes its own.
   */
  running: Map<string, AgentRuntime>;
  /** What /invite and /join use (conversations.ts). */
  ops: ConversationOps;
  /** Spending cap for agents without their own tokenCap; undefined = unlimited. */
  defaultTokenCap?: number;
  /** The Convos thinking status shows on answers slower than this (answer/thinking.ts). */
  thinkingAfterMs: number;
  /** The key that signs agents' attestations (ATTESTATION_PRIVATE_KEY); null: profiles go out without one. */
  attestation: AttestationKeys | null;
  /** The worker's clock (attestation times, reminders); tests move it. */
  clock: () => Date;
}
