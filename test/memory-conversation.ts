/**
 * An in-memory Conversation (lib/agents/conversation.ts) for unit tests of
 * what talks through one (tools, commands, history) without an XMTP node: it
 * keeps what was sent, in order, with the history a test gives it. Like the
 * XMTP group, a send publishes what was queued before it.
 */
import type { DecodedMessage, RemoteAttachment } from "@xmtp/node-sdk";
import type { Conversation, MessageRef } from "@/lib/agents/conversation";
import type { Thinking } from "@/lib/convos/codecs";

export type Sent =
  | { kind: "text"; id: string; text: string }
  | { kind: "reply"; id: string; to: MessageRef; text: string }
  | { kind: "remote-attachment"; id: string; attachment: RemoteAttachment }
  | { kind: "reaction"; id: string; to: MessageRef; emoji: string; removed: boolean; published: boolean }
  | { kind: "profile"; id: string; name: string }
  | { kind: "thinking"; id: string; status: Thinking }
  | { kind: "read-receipt"; id: string };

export class MemoryConversation implements Conversation {
  /** Everything sent through it, oldest first. */
  readonly sent: Sent[] = [];
  readonly #messages: DecodedMessage<unknown>[] = [];
  readonly #names = new Map<string, string>();
  #seq = 0;

  constructor(
    readonly ownInboxId: string,
    /** The other members' inbox ids. */
    readonly others: string[] = [],
    readonly id = "memory-conversation",
  ) {}

  /** A member's text, as it would arrive (and stay in the history); returns it as its readers see it. */
  receive(senderInboxId: string, text: string): DecodedMessage<unknown> {
    const m = {
      id: `m${++this.#seq}`,
      conversationId: this.id,
      senderInboxId,
      sentAtNs: BigInt(this.#seq),
      contentType: { authorityId: "xmtp.org", typeId: "text", versionMajor: 1, versionMinor: 0 },
      content: text,
    } as unknown as DecodedMessage<unknown>;
    this.#messages.push(m);
    return m;
  }

  /** Sets the Convos profile name `inboxId` has in the conversation. */
  nameMember(inboxId: string, name: string): void {
    this.#names.set(inboxId, name);
  }

  #published(): void {
    for (const s of this.sent) if (s.kind === "reaction") s.published = true;
  }

  async send(text: string): Promise<string> {
    this.#published();
    const id = this.receive(this.ownInboxId, text).id;
    this.sent.push({ kind: "text", id, text });
    return id;
  }

  async sendRemoteAttachment(attachment: RemoteAttachment): Promise<string> {
    this.#published();
    const id = `m${++this.#seq}`;
    this.sent.push({ kind: "remote-attachment", id, attachment });
    return id;
  }

  async reply(to: MessageRef, text: string): Promise<string> {
    this.#published();
    const id = `m${++this.#seq}`;
    this.sent.push({ kind: "reply", id, to, text });
    return id;
  }

  async react(to: MessageRef, emoji: string, o: { removed?: boolean; queued?: boolean } = {}): Promise<void> {
    if (!o.queued) this.#published();
    const id = `m${++this.#seq}`;
    this.sent.push({ kind: "reaction", id, to, emoji, removed: o.removed ?? false, published: !o.queued });
  }

  async publishQueued(): Promise<void> {
    this.#published();
  }

  async thinking(status: Thinking): Promise<void> {
    this.sent.push({ kind: "thinking", id: `m${++this.#seq}`, status });
  }

  async readReceipt(): Promise<void> {
    this.sent.push({ kind: "read-receipt", id: `m${++this.#seq}` });
  }

  async setProfileName(name: string): Promise<void> {
    this.sent.push({ kind: "profile", id: `m${++this.#seq}`, name });
    this.#names.set(this.ownInboxId, name);
  }

  async profileName(inboxId: string): Promise<string | undefined> {
    return this.#names.get(inboxId);
  }

  async members(): Promise<string[]> {
    return [this.ownInboxId, ...this.others];
  }

  async history(o: { limit: number; beforeNs?: bigint }): Promise<DecodedMessage<unknown>[]> {
    const before = o.beforeNs;
    return this.#messages
      .filter((m) => before === undefined || m.sentAtNs < before)
      .reverse()
      .slice(0, o.limit);
  }
}
