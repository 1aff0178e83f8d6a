/**
 * What a run does with what it reads. A message read live goes through the
 * flood limits (inbox.ts: per-sender rate, bounded queue) to the answer
 * (answer/answer.ts), one at a time on the run's queue; a message read by a
 * pass (a catch-up) is answered at once unless its sender is over their rate.
 * A failed answer is retried by a catch-up pass a little later (bounded:
 * lib/ledger/messages.ts). Every message also tells the run something besides
 * a question: the conversation watch, members' names, operators' names. The
 * run's loop rule between agents (agent-loop.ts) sits in front of every answer.
 */
import type { DecodedMessage, Group } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import { backoffMs } from "@/lib/identities";
import { answerMessage, needsHandling } from "@/workers/agents/answer/answer";
import type { AnswerContext } from "@/workers/agents/answer/answer-context";
import { noteProfileUpdate } from "@/workers/agents/handoff/operator-names";
import type { WorkerContext } from "@/workers/agents/worker/context";
import { AgentLoopGuard } from "./agent-loop";
import { missedContext, unansweredMessages } from "./catch-up";
import type { ConversationWatch } from "./conversation-watch";
import { MessageInbox } from "./inbox";
import type { MemberDirectory } from "./members";
import type { WorkQueue } from "./work-queue";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface MessageReaderOptions {
  worker: Pick<WorkerContext, "settings" | "inFlight">;
  ctx: AnswerContext;
  group: Group<unknown>;
  members: MemberDirectory;
  watch: ConversationWatch;
  queue: WorkQueue;
  /** True once the run is closing: nothing more is answered. */
  closed(): boolean;
  log: Logger;
}

export class MessageReader {
  readonly #o: MessageReaderOptions;
  readonly #inbox: MessageInbox;
  readonly #loop: AgentLoopGuard;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  /**
   * Passes queued and not yet done: until they have read their gap, live messages are counted in turn.
   * The run's first pass is due from the start: the stream opens before it is queued (see `firstCatchUp`).
   */
  #passesDue = 1;

  constructor(o: MessageReaderOptions) {
    this.#o = o;
    this.#loop = new AgentLoopGuard({
      conversation: o.ctx.conversation,
      members: o.members,
      ownInboxId: o.ctx.ownInboxId,
    });
    const c = o.worker.settings;
    this.#inbox = new MessageInbox({
      identityId: o.ctx.identity.id,
      agentId: o.ctx.agentId,
      limits: {
        burst: c.AGENT_SENDER_BURST,
        refillMs: c.AGENT_SENDER_REFILL_MS,
        queueMax: c.AGENT_QUEUE_MAX,
        contextBurst: c.AGENT_SENDER_CONTEXT_BURST,
        contextRefillMs: c.AGENT_SENDER_CONTEXT_REFILL_MS,
      },
      enqueue: (task) => o.queue.push(task),
      answer: (m) => this.#answer(m),
      say: (text) => o.group.sendText(text),
      track: (p) => void o.worker.inFlight.track(p),
      log: o.log,
    });
  }

  #answer(m: DecodedMessage<unknown>): Promise<void> {
    return answerMessage(this.#o.ctx, m, this.#loop).then(
      () => void (this.#failures = 0),
      (err) => {
        if (!this.#o.closed() && !this.#retryTimer)
          this.#retryTimer = setTimeout(
            () => {
              this.#retryTimer = undefined;
              if (!this.#o.closed()) this.catchUpLater();
            },
            backoffMs(++this.#failures, { baseMs: 2_000, capMs: 60_000 }),
          );
        throw err;
      },
    );
  }

  /** A message read by a pass (not the stream): answered now unless its sender is over their rate. */
  async #answerWithinLimits(m: DecodedMessage<unknown>): Promise<void> {
    if (!this.#o.closed() && this.#inbox.admit(m))
      await this.#answer(m).catch((err) => this.#o.log.warn({ err }, "answer failed"));
  }

  /**
   * Queues a catch-up pass, and after a gap in reading (`gapSince`: the stream was not reading from then
   * on) the replay of the gap's other messages. Until they are done, live messages wait for their turn to
   * be counted (inbox.ts).
   */
  catchUpLater(gapSince?: Date): void {
    this.#passesDue++;
    this.#queuePasses(gapSince);
  }

  /** Queues the run's first catch-up pass, once its stream is open; live messages wait for it (see #passesDue). */
  firstCatchUp(): void {
    this.#queuePasses(); // due since the reader was made
  }

  /** Queues a catch-up (and a gap's replay); once both are done, one pass fewer is due. */
  #queuePasses(gapSince?: Date): void {
    const passes = [this.#o.queue.push(() => this.catchUp(gapSince))];
    if (gapSince) passes.push(this.#o.queue.push(() => this.replayGap(gapSince)));
    void Promise.allSettled(passes).then(() => void this.#passesDue--);
  }

  /** Answers what is unanswered; `gapSince`: the stream was not reading from then on (see catch-up.ts). */
  async catchUp(gapSince?: Date): Promise<void> {
    const { group, ctx } = this.#o;
    await group.sync();
    // Not past the retention horizon: older ledger rows are pruned, so older messages would look unanswered.
    const horizon = new Date(Date.now() - this.#o.worker.settings.RETENTION_DAYS * DAY_MS);
    for (const m of await unansweredMessages(group, ctx.identity.id, ctx.ownInboxId, horizon, gapSince))
      await this.#answerWithinLimits(m);
  }

  /** After the stream was not reading: the catch-up answers texts; this replays the rest of the gap. */
  async replayGap(since: Date): Promise<void> {
    const { group, ctx } = this.#o;
    for (const m of await missedContext(group, since)) {
      if (this.#o.closed()) return;
      await this.#noteContext(m);
      if (needsHandling(m, group.id, ctx.ownInboxId)) await this.#answerWithinLimits(m);
    }
  }

  /** What a message tells the run besides a question: the watch, member names, profile names. */
  async #noteContext(m: DecodedMessage<unknown>): Promise<void> {
    const { group, ctx, log } = this.#o;
    if (m.conversationId === group.id) {
      this.#o.members.observe(m);
      noteProfileUpdate(ctx.agentId, m).catch((err) => log.warn({ err }, "storing a profile name failed"));
    }
    await this.#o.watch.seen(m).catch((err) => log.warn({ err }, "reading a group update failed"));
  }

  /**
   * A message read live: texts, replies and reactions (poll votes) go through the flood limits, the rest
   * (receipts, profiles) through the context bucket. True when its sender is over their rate: reading
   * should pause (stream-controller.ts).
   */
  offer(m: DecodedMessage<unknown>): boolean {
    void this.#noteContext(m);
    const own = this.#o.ctx.ownInboxId;
    return needsHandling(m, this.#o.group.id, own)
      ? this.#inbox.offer(m, this.#passesDue > 0) === "over-rate"
      : m.senderInboxId !== own && !this.#inbox.countContext(m);
  }

  /** No more retries; once the queue is drained, call `close()`. */
  cancelRetry(): void {
    clearTimeout(this.#retryTimer);
  }

  /** Closes the inbox (its notices still in flight are awaited). */
  close(): Promise<void> {
    return this.#inbox.close();
  }
}
