/**
 * What the parts of an answer agree on, and nothing else: the responder's
 * input and reply (responder.ts, model-responder.ts), the conversation as the
 * model sees it (history.ts, group.ts), an answer's tools (tool-session.ts,
 * tool-loop.ts) and what commands need from the worker (commands.ts). Types
 * only, importing no implementation: every module of the answer, and the
 * worker's context, can depend on it without depending on each other.
 */
import type { MessageRef } from "@/lib/agents/tools";
import type { InviteOptions } from "@/lib/invites/options";
import type { ToolCallRequest, ToolSpec } from "@/lib/llm";
import type { SpendHook } from "@/lib/llm/budget";
import type { Member } from "@/workers/agents/runtime/members";

/** One earlier message of the conversation, as the model sees it. */
export interface ChatTurn {
  role: "user" | "assistant";
  text: string;
  /** Who sent it (members' turns are labelled with their name for the model). */
  senderInboxId?: string;
  /** The XMTP message it came from (tools refer to messages by a short form of it). */
  messageId?: string;
}

/** Who is in the conversation and when it is, as the model is told (group.ts). */
export interface GroupContext {
  ownInboxId: string;
  members: Member[];
  nameOf(inboxId: string): string;
  timeZone: string;
  now: Date;
  /** The message being answered. */
  message: MessageRef;
}

export interface RecordedRound {
  round: number;
  calls: ToolCallRequest[];
}

/** The tools of one answer (tool-session.ts): their specs, and running a round of calls at most once each. */
export interface ToolSession {
  specs: ToolSpec[];
  /** Rounds an earlier run of this answer recorded, in order. */
  recordedRounds(): Promise<RecordedRound[]>;
  /** Runs a round's calls in order (positions from `firstPosition`); one result text per call. */
  runRound(round: number, firstPosition: number, calls: ToolCallRequest[]): Promise<string[]>;
  /** Publishes what tools sent optimistically, for an answer that ends without text (text publishes it too). */
  publishQueued(): Promise<void>;
}

export interface ResponderInput {
  /** The agent answering (a model fallback is recorded against it); absent in a bare call. */
  agentId?: string;
  /** The model its owner or template chose (lib/llm/models.ts); null or absent: the default. */
  model?: string | null;
  agentName: string;
  instructions: string;
  text: string;
  senderInboxId: string;
  /** Earlier messages, oldest first, bounded in count and size; the message being answered is not in it. */
  history: ChatTurn[];
  signal: AbortSignal;
  /** Who is in the conversation, and what it knows of them (see group.ts); absent in a bare call. */
  group?: GroupContext;
  /** The tools of this answer (model only); none = chat only. */
  tools?: ToolSession;
  /** Images the member sent with this message, as `data:` URLs (answer/attachments.ts): vision models only. */
  images?: string[];
  /**
   * Lines about the message's attachments that couldn't be read or understood (said before the answer);
   * set only for an attachment message.
   */
  attachmentNotes?: string[];
  /** Tokens this answer may spend (the spending cap's remainder); undefined = the default budget. */
  tokenBudget?: number;
  /**
   * Every model call of the answer goes through it (model only): the call's worst case is reserved under
   * the agent's token cap first; when that would pass the cap it throws TokenCapReached, the call not made.
   */
  spend?: SpendHook;
}

export interface ResponderReply {
  text: string;
  /** Tokens the answer cost (usage.total_tokens), 0 offline. */
  tokens: number;
  /** True when the model failed and `text` is the apology. */
  failed?: boolean;
}

/** What an agent says: the model (model-responder.ts) or the offline line (responder.ts). */
export interface Responder {
  /** True when answers cost tokens (the spending cap applies). */
  readonly usesModel: boolean;
  /** The answer to one text message, or null to stay silent. */
  reply(input: ResponderInput): Promise<ResponderReply | null>;
}

/** The operations a command needs from the worker (new conversations run under other identities). */
export interface ConversationOps {
  /**
   * Opens a new conversation from a warm identity, named `name`, its invite expiring or single-use as
   * `options` say; resolves with its invite URL. Throws AppError.
   */
  invite(agentId: string, name: string, options?: InviteOptions): Promise<string>;
  /** Validates the invite and starts joining; resolves once started, with the outcome line to come. Throws AppError. */
  join(agentId: string, url: string): Promise<{ outcome: Promise<string> }>;
}
