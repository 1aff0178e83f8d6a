/**
 * What one answer is given (answer.ts, model-input.ts, and a schedule's run
 * in schedules/send-firing.ts): the worker's shared context plus the runtime
 * run handling the message. Its own module so that the runtime, which builds
 * it, and the answer, which reads it, both point here and not at each other.
 */
import type { Logger } from "pino";
import type { Conversation } from "@/lib/agents/conversation";
import type { MemberDirectory } from "@/workers/agents/runtime/members";
import type { WorkerContext } from "@/workers/agents/worker/context";

/** The worker's context plus the runtime run handling the message. */
export interface AnswerContext extends Pick<
  WorkerContext,
  | "settings"
  | "toolSettings"
  | "responder"
  | "ops"
  | "events"
  | "signal"
  | "thinkingAfterMs"
  | "defaultTokenCap"
  | "inFlight"
> {
  /** This runtime run's token in the ledger. */
  run: string;
  identity: { id: string; isOwnerConversation: boolean };
  agentId: string;
  /** The conversation answered in (answer/conversation.ts wraps the run's XMTP group). */
  conversation: Conversation;
  ownInboxId: string;
  /** Members' names, kept up to date from the messages seen. */
  members: MemberDirectory;
  /** Scoped to the agent and identity. */
  log: Logger;
  /** True once the runtime is closing (teardown, or the agent winding down): a message is left for the next run. */
  closed(): boolean;
  /** Sends a line later (a /join outcome), after the queued work. */
  later(outcome: Promise<string>): void;
}
