/**
 * What the worker, the handoff, the owner's stop and the schedules agree on
 * about one live agent: the identity a runtime is started with and what a
 * running runtime offers (agent-runtime.ts implements both). Types only, so
 * the worker's context can name a runtime without importing the runtime.
 */
import type { Client, Group } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import type { LeaveOutcome } from "@/lib/agents/lifecycle";
import type { Firing } from "@/lib/schedules/firing";
import type { ConversationEnd } from "./conversation-watch";

/** The identity a runtime runs: what the handoff opened. */
export interface LiveIdentity {
  identity: { id: string; role: "creator" | "joiner"; conversationId: string; isOwnerConversation: boolean };
  /** `greeting`: its greeting choice (lib/agents/greeting.ts); absent follows the default. */
  agent: { id: string; name: string; instructions: string; greeting?: boolean | null };
  client: Client<unknown>;
  privateKey: Uint8Array;
  /** The worker's logger scoped to this agent and identity. */
  log: Logger;
  /** Called once when the conversation ends for the agent (removed, alone, expired). */
  onConversationEnded(reason: ConversationEnd): void;
}

/** What an owner's change to the conversation's invites acts on (workers/agents/invites). */
export interface OwnedConversation {
  group: Group<unknown>;
  client: Client<unknown>;
  privateKey: Uint8Array;
  role: "creator" | "joiner";
}

export interface AgentRuntime {
  identityId: string;
  agentId: string;
  /** Runs `task` on the conversation between join requests (never while one is being admitted). */
  withConversation<T>(task: (c: OwnedConversation) => Promise<T>): Promise<T>;
  /**
   * Its Convos profile in the conversation: `renew` publishes it again with a fresh attestation, under the
   * name this run last set, else `storedName` (worker/attestation-renewal.ts).
   */
  profile: { renew(storedName: string | null): Promise<void> };
  /** Sends a reminder's or schedule's run after the work already queued; true when this call sent it. */
  fire(f: Firing): Promise<boolean>;
  /**
   * Sends `line` (a notice from outside the conversation: an e-mail or a text received) after the work
   * already queued; false when the runtime is closing and nothing was sent.
   */
  post(line: string): Promise<boolean>;
  /**
   * Teardown (drain, shutdown, lost lease, failed handoff; not the owner's stop, which is `windDown`): ends
   * the streams, waits for queued work, then closes the identity's client; safe to call twice.
   */
  close(): Promise<void>;
  /**
   * The agent's exit: stops answering, refuses the join requests still waiting (the protocol's
   * conversation_expired), closes, says `line` (if any) and leaves the group, handing its admin role to the
   * first of `heirs` still there. Safe to call twice.
   */
  windDown(line: string | null, heirs: string[]): Promise<LeaveOutcome>;
}
