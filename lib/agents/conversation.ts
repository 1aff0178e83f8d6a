/**
 * An agent's conversation as the answer, its commands, its tools and its
 * scheduled runs use it: send, reply, react, thinking, read receipts, members, history. The XMTP group
 * implements it in the worker (workers/agents/answer/conversation.ts); a unit
 * test may use the in-memory one (test/memory-conversation.ts). It lives in
 * lib/ because the tools (lib/agents/tools) receive it in their ToolContext.
 */
import type { DecodedMessage, RemoteAttachment } from "@xmtp/node-sdk";
import type { Thinking } from "@/lib/convos/codecs";

/** A message of the conversation as tools see it. */
export interface MessageRef {
  id: string;
  senderInboxId: string;
}

export interface Conversation {
  /** The XMTP conversation (group) id. */
  readonly id: string;
  /** Sends a text; resolves with its message id. */
  send(text: string): Promise<string>;
  /** Sends a file stored encrypted elsewhere (XMTP's remote attachment, lib/files/store.ts); resolves with its message id. */
  sendRemoteAttachment(attachment: RemoteAttachment): Promise<string>;
  /** Sends `text` as a reply quoting `to` (Convos shows it quoted); resolves with its message id. */
  reply(to: MessageRef, text: string): Promise<string>;
  /**
   * Reacts to `to` with `emoji`, or takes that reaction back (`removed`). `queued`: stored now and published
   * with the answer's next text or by `publishQueued`, which saves a network round trip.
   */
  react(to: MessageRef, emoji: string, o?: { removed?: boolean; queued?: boolean }): Promise<void>;
  /** Publishes what was sent `queued`. */
  publishQueued(): Promise<void>;
  /**
   * Sends a Convos thinking status (`convos.org/thinking:1.0`, silent): `start` on a member's message while
   * an answer is made, `stop` when it is done, with the answer's message id when there is one.
   */
  thinking(t: Thinking): Promise<void>;
  /** Tells the members the agent has read the conversation up to now (an XMTP read receipt, silent). */
  readReceipt(): Promise<void>;
  /** Sets the agent's display name in this conversation (a Convos profile update). */
  setProfileName(name: string): Promise<void>;
  /** A member's Convos profile name, as the recent messages tell it (undefined when they set none). */
  profileName(inboxId: string): Promise<string | undefined>;
  /** The members' inbox ids, the agent's own included. */
  members(): Promise<string[]>;
  /** The messages, newest first: at most `limit`, and only those sent before `beforeNs` when it is given. */
  history(o: { limit: number; beforeNs?: bigint }): Promise<DecodedMessage<unknown>[]>;
}
