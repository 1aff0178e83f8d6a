/**
 * Flood limits of one conversation, in front of the answer queue:
 *
 *   per sender   a token bucket: `burst` messages at once, then one more every
 *                `refillMs`; beyond it a message is dropped;
 *   per queue    at most `queueMax` messages wait to be answered; beyond it
 *                new ones are dropped;
 *   per sender,  a second, larger token bucket for what the stream reads that
 *   context      asks for no answer: read receipts, profiles, group updates.
 *
 * The SDK's stream costs the worker's main thread about a millisecond per
 * message of any kind (it reads each one back synchronously), so a flood of
 * read receipts read live is as bad as a flood of texts: a sender over either
 * bucket makes the runtime pause its reading (stream-controller.ts). The context
 * bucket is separate and larger because real apps send these on their own: a
 * member's app sends a receipt whenever it shows new messages, and a profile
 * snapshot comes with every join, so someone reading a busy conversation
 * sends dozens without typing anything; sharing the text bucket would drop
 * their next question. Nothing is dropped for the context bucket (no ledger
 * row, no notice: a receipt is no message to answer, and a notice to a
 * stranger's flood would be an amplifier); the pause's replay still reads
 * profiles and group updates (catch-up.ts, missedContext).
 *
 * A dropped message is recorded in the ledger as `dropped` (in batches: a
 * flood costs one INSERT per batch, not one per message), so no later catch-up
 * answers it. Each flood gets ONE notice: a sender over their rate hears it
 * once, and again only after they have been quiet long enough for their bucket
 * to fill up and a minute has passed since (and only a sender the agent would
 * answer: a stranger's flood must not make the agent talk); a full queue is
 * announced once until it has drained to half. The minute is wall-clock time:
 * on a loaded worker a flood read in pauses and catch-ups can be counted out of
 * the order it was sent, seem to rest in between, and would earn a notice per
 * pause.
 *
 * Each message counts once, in the order it was sent, whichever path reads it
 * (the stream, a catch-up pass, a gap's replay): a message read again gets
 * the verdict it got the first time. While a pass is still to read a gap, a
 * message read live is counted only when its turn on the queue comes, after
 * the pass: counted on arrival, a message sent after the gap would carry the
 * bucket past the gap's earlier ones and find it full ("rested"), and the
 * same flood would earn a second notice. So a 10,000-message
 * flood costs a few kilobytes and a few statements, and the worker keeps
 * answering everyone else.
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import { agentState } from "@/lib/agents/policy";
import { recordDropped } from "@/lib/ledger/messages";

export interface FloodLimits {
  burst: number;
  refillMs: number;
  queueMax: number;
  /** The context bucket (messages that ask for no answer): `contextBurst` at once, one more every `contextRefillMs`. */
  contextBurst: number;
  contextRefillMs: number;
}

export const RATE_NOTICE =
  "You're sending messages faster than I can answer, so I skipped some. Please wait a moment between messages.";
export const BUSY_NOTICE =
  "I'm getting more messages than I can answer right now, so I skipped some. Please try again in a moment.";

const DROP_BATCH = 500;
const DROP_FLUSH_MS = 200;
const MAX_TRACKED_SENDERS = 10_000;
/** The least time between two rate notices to one sender. */
export const RATE_NOTICE_GAP_MS = 60_000;
/** Verdicts remembered by message id, so a message read twice counts once (oldest forgotten first). */
const MAX_COUNTED_MESSAGES = 10_000;

/** Token buckets per sender; memory stays bounded (full buckets are forgotten when many are tracked). */
export class SenderRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly burst: number,
    readonly refillMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes one message's worth from `sender`'s bucket: allowed unless it is empty; rested when it was full.
   * The message counts at `sentAt` (ms), not when it is read: reading paused by a flood, or a catch-up after
   * a restart, must not let the flood refill its own bucket. Never later than now (a sender's clock set
   * ahead gains nothing) nor before the sender's previous message (one set back only slows its sender).
   */
  take(sender: string, sentAt?: number): { allowed: boolean; rested: boolean } {
    const now = this.now();
    const bucket = this.#buckets.get(sender);
    const t = Math.min(now, Math.max(bucket?.at ?? -Infinity, sentAt ?? now));
    const tokens = bucket
      ? Math.min(this.burst, bucket.tokens + (t - bucket.at) / this.refillMs)
      : this.burst;
    const allowed = tokens >= 1;
    this.#buckets.set(sender, { tokens: allowed ? tokens - 1 : tokens, at: t });
    if (this.#buckets.size > MAX_TRACKED_SENDERS) this.#forgetFull(now);
    return { allowed, rested: tokens >= this.burst };
  }

  #forgetFull(t: number): void {
    for (const [sender, b] of this.#buckets)
      if (b.tokens + (t - b.at) / this.refillMs >= this.burst) this.#buckets.delete(sender);
  }
}

export interface InboxOptions {
  identityId: string;
  agentId: string;
  limits: FloodLimits;
  /** Runs a task after everything queued before it (the runtime's serial queue). */
  enqueue(task: () => Promise<unknown>): Promise<unknown>;
  answer(m: DecodedMessage<unknown>): Promise<void>;
  say(text: string): Promise<unknown>;
  /** Keeps shutdown waiting for background writes. */
  track(p: Promise<unknown>): void;
  log: Logger;
  /** Wall-clock time in ms (a test's clock); Date.now by default. */
  now?: () => number;
}

/** True when the agent would answer `sender`, so a notice to them is no amplifier. */
async function wouldAnswer(agentId: string, sender: string): Promise<boolean> {
  const agent = await agentState(agentId);
  if (agent.operators.includes(sender) || agent.dmPolicy === "open") return true;
  return agent.dmPolicy === "allowlist" && agent.allowlist.includes(sender);
}

/** The flood limits of one runtime; see the module comment. */
export class MessageInbox {
  readonly #limiter: SenderRateLimiter;
  readonly #contextLimiter: SenderRateLimiter;
  /** Senders told about their rate, and when; forgotten once they rested and RATE_NOTICE_GAP_MS passed. */
  readonly #noticed = new Map<string, number>();
  readonly #counted = new Map<string, boolean>();
  #waiting = 0;
  #busyNoticed = false;
  #dropped: string[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(private readonly o: InboxOptions) {
    this.#limiter = new SenderRateLimiter(o.limits.burst, o.limits.refillMs);
    this.#contextLimiter = new SenderRateLimiter(o.limits.contextBurst, o.limits.contextRefillMs);
  }

  #now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Messages waiting to be answered. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * A message from the stream: queued for an answer, or dropped (its sender over the rate, or the queue full).
   * `afterPass`: a pass is still to read what came before it, so it is counted when its turn comes.
   */
  offer(m: DecodedMessage<unknown>, afterPass = false): "queued" | "over-rate" | "queue-full" {
    if (!afterPass && !this.admit(m)) return "over-rate";
    if (this.#waiting >= this.o.limits.queueMax) {
      this.#drop(m);
      if (!this.#busyNoticed) {
        this.#busyNoticed = true;
        this.o.log.warn({ waiting: this.#waiting }, "answer queue full; dropping messages");
        void this.o.enqueue(() => this.o.say(BUSY_NOTICE));
      }
      return "queue-full";
    }
    this.#waiting++;
    void this.o
      .enqueue(async () => {
        if (!afterPass || this.admit(m)) await this.o.answer(m);
      })
      .finally(() => {
        this.#waiting--;
        if (this.#waiting <= this.o.limits.queueMax / 2) this.#busyNoticed = false;
      });
    return "queued";
  }

  /**
   * The per-sender rate only (a pass is one queued task): true to answer, false when dropped. A message
   * counted before gets the same verdict again, and nothing else happens.
   */
  admit(m: DecodedMessage<unknown>): boolean {
    const counted = this.#counted.get(m.id);
    if (counted !== undefined) return counted;
    const sender = m.senderInboxId;
    const { allowed, rested } = this.#limiter.take(sender, m.sentAt.getTime());
    this.#counted.set(m.id, allowed);
    if (this.#counted.size > MAX_COUNTED_MESSAGES) this.#counted.delete(this.#counted.keys().next().value!);
    const noticedAt = this.#noticed.get(sender);
    if (rested && noticedAt !== undefined && this.#now() - noticedAt >= RATE_NOTICE_GAP_MS)
      this.#noticed.delete(sender);
    if (allowed) return true;
    this.#drop(m);
    if (!this.#noticed.has(sender)) {
      this.#noticed.set(sender, this.#now());
      this.o.log.warn({ sender }, "sender over the rate limit; dropping their messages");
      void this.o.enqueue(async () => {
        if (await wouldAnswer(this.o.agentId, sender)) await this.o.say(RATE_NOTICE);
      });
    }
    return false;
  }

  /**
   * A message from the stream that asks for no answer (a read receipt, a profile, a group update),
   * counted against its sender's context bucket: false when they are over it (nothing is dropped).
   */
  countContext(m: DecodedMessage<unknown>): boolean {
    return this.#contextLimiter.take(m.senderInboxId, m.sentAt.getTime()).allowed;
  }

  #drop(m: DecodedMessage<unknown>): void {
    this.#dropped.push(m.id);
    if (this.#dropped.length >= DROP_BATCH) this.#flush();
    else this.#flushTimer ??= setTimeout(() => this.#flush(), DROP_FLUSH_MS);
  }

  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const ids = this.#dropped;
    this.#dropped = [];
    if (ids.length === 0) return;
    this.#flushing = this.#flushing
      .then(() => recordDropped(this.o.identityId, ids))
      .catch((err) => this.o.log.warn({ err, count: ids.length }, "recording dropped messages failed"));
    this.o.track(this.#flushing);
  }

  /** Records what is still pending; call when the runtime closes. */
  async close(): Promise<void> {
    this.#flush();
    await this.#flushing;
  }
}
