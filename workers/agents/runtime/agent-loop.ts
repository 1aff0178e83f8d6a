/**
 * No loops between agents. Two agents in one conversation (two of ours, or ours and another assistant)
 * would otherwise answer each other forever: each answer is the other's next question. So a text from
 * an agent is answered only when it addresses this agent by name (or the two are alone in the
 * conversation, where every text is addressed to the other), and never more than `AGENT_STREAK_MAX` times
 * in a row: after that the agent stays silent to agents until a person writes again. A person's text is
 * always admitted (the dm policy still decides) and ends the streak.
 *
 * An agent is a member whose Convos profile says so (member kind agent, which our agents, current
 * assistants and the official CLI publish), or one of this deployment's own identities whatever its
 * profile says.
 *
 * The streak lives in the run; a new run (a restart, a failover) reads it back from the recent history:
 * its own texts since the last person's text that came right after an agent's text (one answer, however
 * many parts it was split into).
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import type { Conversation } from "@/lib/agents/conversation";
import { isOwnInbox } from "@/lib/identities/queries";
import type { MemberDirectory } from "./members";

/** The most answers to agents in a row, without a person's text in between. */
export const AGENT_STREAK_MAX = 3;
/** How far back a new run looks for its streak. */
const STREAK_SCAN = 60;
/** At most this many senders' kinds are remembered (a flood of strangers keeps memory bounded). */
const KINDS_MAX = 1_000;

export type LoopVerdict =
  | { kind: "person" }
  /** A command or an operator code: control, not conversation (see answer.ts `loopVerdict`). */
  | { kind: "control" }
  | { kind: "agent"; answer: true }
  | { kind: "agent"; answer: false; why: "not addressed" | "streak" };

const isTextMessage = (m: DecodedMessage<unknown>) =>
  m.contentType?.authorityId === "xmtp.org" &&
  m.contentType.typeId === "text" &&
  typeof m.content === "string";

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** True when `text` names one of `names` as a whole word, in any case ("Ava,", "@ava", "hey AVA!"). */
export function addressedBy(text: string, names: readonly string[]): boolean {
  const haystack = text.toLowerCase();
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (name.length < 2) continue;
    for (let at = haystack.indexOf(name); at !== -1; at = haystack.indexOf(name, at + 1))
      if (!isWordChar(haystack[at - 1]) && !isWordChar(haystack[at + name.length])) return true;
  }
  return false;
}

/** One run's loop rule; see the module comment. */
export class AgentLoopGuard {
  readonly #kinds = new Map<string, boolean>();
  #streak: number | undefined;

  constructor(
    private readonly o: {
      conversation: Conversation;
      members: MemberDirectory;
      ownInboxId: string;
      max?: number;
    },
  ) {}

  /** Whether `inboxId` is an agent (see the module comment); our identities are remembered. */
  async isAgent(inboxId: string): Promise<boolean> {
    if (inboxId === this.o.ownInboxId) return true;
    if (await this.o.members.isAgent(inboxId)) return true;
    let own = this.#kinds.get(inboxId);
    if (own === undefined) {
      own = await isOwnInbox(inboxId);
      if (this.#kinds.size >= KINDS_MAX) this.#kinds.clear();
      this.#kinds.set(inboxId, own);
    }
    return own;
  }

  /** Decides on a text `m` saying `text`; `names` gives this agent's names (read only for an agent's text). */
  async check(
    m: DecodedMessage<unknown>,
    text: string,
    names: () => Promise<readonly string[]>,
  ): Promise<LoopVerdict> {
    if (!(await this.isAgent(m.senderInboxId))) {
      this.#streak = 0;
      return { kind: "person" };
    }
    const alone = (await this.o.conversation.members()).length === 2;
    if (!alone && !addressedBy(text, await names()))
      return { kind: "agent", answer: false, why: "not addressed" };
    this.#streak ??= await this.#streakFromHistory(m);
    if (this.#streak >= (this.o.max ?? AGENT_STREAK_MAX))
      return { kind: "agent", answer: false, why: "streak" };
    return { kind: "agent", answer: true };
  }

  /** Counts an answer that went out to an agent's text. */
  answeredAgent(): void {
    this.#streak = (this.#streak ?? 0) + 1;
  }

  async #streakFromHistory(m: DecodedMessage<unknown>): Promise<number> {
    const newestFirst = (
      await this.o.conversation.history({ limit: STREAK_SCAN, beforeNs: m.sentAtNs })
    ).filter(isTextMessage);
    let streak = 0;
    for (let i = 0; i < newestFirst.length; i++) {
      const sender = newestFirst[i].senderInboxId;
      if (!(await this.isAgent(sender))) break; // a person's text ends the streak
      const older = newestFirst[i + 1]?.senderInboxId;
      if (
        sender === this.o.ownInboxId &&
        older !== undefined &&
        older !== sender &&
        (await this.isAgent(older))
      )
        streak++;
    }
    return streak;
  }
}
