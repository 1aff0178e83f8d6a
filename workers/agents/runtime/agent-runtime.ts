/**
 * One live identity at work: its group's text messages are answered (see
 * answer.ts: dmPolicy, commands, the model, the spending cap), and, for a
 * creator identity, join requests for its invite are accepted (lib/convos
 * creator side, with the PostgreSQL ledger) and the first person to join is
 * greeted; in an ownerless agent's owner conversation that person becomes its
 * operator (an owned agent's owner posts the code from its page instead).
 *
 * Exactly once across workers and restarts: see the ledger's state machine in
 * lib/ledger/messages.ts. Each start of a runtime is one "run" with its own
 * token; the catch-up pass at start (and after a stream restart, and a while
 * after an answer failed) answers what arrived while nobody ran the agent,
 * what a previous run took but never got to send, and failed answers with
 * retries left (catch-up.ts). Messages are handled one at a time, in order,
 * behind the flood limits (inbox.ts: per-sender rate, bounded queue). The
 * stream runs with `disableSync: true`, so messages arriving while it
 * restarts are emitted instead of silently synced.
 *
 * The runtime also follows its conversation (conversation-watch.ts) and reports
 * its end; `windDown` is the agent's exit when it is stopped: answers stop, join
 * requests still waiting are refused, then one goodbye line and it leaves.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Client, DecodedMessage, Group } from "@xmtp/node-sdk";
import { JOIN_REFUSAL, type LeaveOutcome } from "@/lib/agents/lifecycle";
import { Direction, startJoinRequestProcessor, type JoinRequestProcessor } from "@/lib/convos";
import { backoffMs, recordFirstJoin } from "@/lib/identities";
import { PgLedger, recordFirst, reopenUnsent, youngestSendingMs } from "@/lib/ledger/messages";
import { agentState, setFirstOperator } from "@/lib/agents/policy";
import { closeXmtpClient, startResilientStream, type ResilientStream } from "@/lib/xmtp";
import { answerMessage, needsHandling } from "@/workers/agents/answer/answer";
import type { AnswerContext } from "@/workers/agents/answer/answer-context";
import { missedContext, unansweredMessages } from "./catch-up";
import { noOperatorYet } from "@/workers/agents/answer/commands";
import type { WorkerContext } from "@/workers/agents/worker/context";
import type { AgentRuntime, LiveIdentity } from "./contracts";
import { watchConversation } from "./conversation-watch";
import { MessageInbox } from "./inbox";
import { sayGoodbyeAndLeave } from "@/workers/agents/stop/leave";
import { MemberDirectory } from "./members";
import { noteOperatorName, noteProfileUpdate } from "@/workers/agents/handoff/operator-names";
import { greetingFor } from "@/workers/agents/answer/responder";
import { sendFiring } from "@/workers/agents/schedules/send-firing";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The newest messages a catch-up looks at for answers a dead run marked as sending but never sent. */
const UNSENT_WINDOW = 50;
/** A `sending` mark older than this was left by a run that died mid-send (a send takes far less). */
const UNSENT_AFTER_MS = 5_000;

async function findGroup(client: Client<unknown>, id: string): Promise<Group<unknown>> {
  let conversation = await client.conversations.getConversationById(id);
  if (!conversation) {
    await client.conversations.sync();
    conversation = await client.conversations.getConversationById(id);
  }
  if (!conversation) throw new Error(`conversation ${id} not found in the identity's database`);
  return conversation as Group<unknown>;
}

/** Starts answering (and accepting joins); resolves once streams are up and the catch-up pass is queued. */
export async function startAgentRuntime(worker: WorkerContext, o: LiveIdentity): Promise<AgentRuntime> {
  const { client, identity, agent, log } = o;
  const group = await findGroup(client, identity.conversationId);
  let closed = false;
  /** Set when the agent is stopped (windDown): join requests are refused with this reason. */
  let refusal: string | null = null;
  let windingDown: Promise<LeaveOutcome> | undefined;
  const watch = watchConversation(group, client.inboxId, o.onConversationEnded, log);
  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = (task: () => Promise<unknown>) => {
    const run = tail.then(() => task()).catch((err) => log.warn({ err }, "message handling failed"));
    tail = run;
    return worker.inFlight.track(run);
  };

  const ctx: AnswerContext = {
    ...worker,
    run: randomUUID(),
    identity,
    agentId: agent.id,
    group,
    ownInboxId: client.inboxId,
    members: new MemberDirectory(group),
    log,
    closed: () => closed || refusal !== null,
    later: (outcome) =>
      void worker.inFlight.track(
        outcome
          .then((line) => enqueue(() => group.sendText(line)))
          .catch((err) => log.warn({ err }, "a command's later outcome failed")),
      ),
  };
  // A failed answer is retried by a catch-up pass a little later (bounded: lib/ledger/messages.ts).
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  const answer = (m: DecodedMessage<unknown>) =>
    answerMessage(ctx, m).then(
      () => void (failures = 0),
      (err) => {
        if (!closed && !retryTimer)
          retryTimer = setTimeout(
            () => {
              retryTimer = undefined;
              if (!closed) void enqueue(catchUp);
            },
            backoffMs(++failures, { baseMs: 2_000, capMs: 60_000 }),
          );
        throw err;
      },
    );
  const c = worker.settings;
  const inbox = new MessageInbox({
    identityId: identity.id,
    agentId: agent.id,
    limits: {
      burst: c.AGENT_SENDER_BURST,
      refillMs: c.AGENT_SENDER_REFILL_MS,
      queueMax: c.AGENT_QUEUE_MAX,
      contextBurst: c.AGENT_SENDER_CONTEXT_BURST,
      contextRefillMs: c.AGENT_SENDER_CONTEXT_REFILL_MS,
    },
    enqueue,
    answer,
    say: (text) => group.sendText(text),
    track: (p) => void worker.inFlight.track(p),
    log,
  });

  /** A message read by a pass (not the stream): answered now unless its sender is over their rate. */
  const answerWithinLimits = async (m: DecodedMessage<unknown>) => {
    if (!closed && inbox.admit(m)) await answer(m).catch((err) => log.warn({ err }, "answer failed"));
  };
  /**
   * Reopens what dead runs marked as sending but never sent: the messages with no text of ours after them
   * (only a text can be the answer; a profile or group update of ours says nothing). Queued before the
   * stream opens, so it runs before this run says anything: a text of ours after the message is a dead
   * run's answer (published, or left unpublished in the shared database and published by this sync),
   * never this run's answer to a later message, which the stream replays at once from the dead run's
   * cursor. A mark too young to judge (its run may still be sending) is waited for, this agent's answers
   * held back meanwhile; later it would be hidden by this run's own answers, and the question lost.
   */
  const reopenUnsentAnswers = async () => {
    for (let pass = 0; pass < 3 && !closed; pass++) {
      await group.sync();
      const recent = (
        await group.messages({ limit: UNSENT_WINDOW, direction: Direction.Descending })
      ).reverse();
      const lastOwn = recent.findLastIndex(
        (m) => m.senderInboxId === client.inboxId && m.contentType?.typeId === "text",
      );
      const unsent = recent.slice(lastOwn + 1).map((m) => m.id);
      const reopened = await reopenUnsent(identity.id, unsent, UNSENT_AFTER_MS);
      if (reopened > 0) log.warn({ reopened }, "answering again what a dead run never sent");
      const youngMs = await youngestSendingMs(identity.id, unsent);
      if (youngMs === null || youngMs >= UNSENT_AFTER_MS) return;
      await sleep(UNSENT_AFTER_MS - youngMs + 100);
    }
  };
  /** Answers what is unanswered; `gapSince`: the stream was not reading from then on (see catch-up.ts). */
  const catchUp = async (gapSince?: Date) => {
    await group.sync();
    // Not past the retention horizon: older ledger rows are pruned, so older messages would look unanswered.
    const horizon = new Date(Date.now() - c.RETENTION_DAYS * DAY_MS);
    for (const m of await unansweredMessages(group, identity.id, client.inboxId, horizon, gapSince))
      await answerWithinLimits(m);
  };

  /** What a message tells the runtime besides a question: the watch, member names, profile names. */
  const noteContext = async (m: DecodedMessage<unknown>) => {
    if (m.conversationId === group.id) {
      ctx.members.observe(m);
      noteProfileUpdate(agent.id, m).catch((err) => log.warn({ err }, "storing a profile name failed"));
    }
    await watch.seen(m).catch((err) => log.warn({ err }, "reading a group update failed"));
  };
  /** After the stream was not reading: the catch-up answers texts; this replays the rest of the gap. */
  const replayGap = async (since: Date) => {
    for (const m of await missedContext(group, since)) {
      if (closed) return;
      await noteContext(m);
      if (needsHandling(m, group.id, client.inboxId)) await answerWithinLimits(m);
    }
  };

  // Reopened with exponential backoff and jitter when it fails (lib/xmtp/stream.ts). Declared first: a
  // value may arrive before the call returns.
  let stream: ResilientStream | undefined = undefined;
  void enqueue(reopenUnsentAnswers);
  stream = await startResilientStream<DecodedMessage<unknown>>({
    open: (hooks) => client.conversations.streamAllGroupMessages(hooks),
    disableSync: true,
    onValue: (m) => {
      void noteContext(m);
      // Texts, replies and reactions (poll votes) go through the flood limits; the rest (receipts, profiles)
      // through the context bucket. The SDK's stream costs the main thread about a millisecond per message
      // of any kind (it reads each one back synchronously), so a sender over their rate makes the runtime
      // stop reading live for a while and catch up in pages (async) instead: a flood at one agent doesn't
      // slow the answers of all the others.
      const overRate = needsHandling(m, group.id, client.inboxId)
        ? inbox.offer(m) === "over-rate"
        : m.senderInboxId !== client.inboxId && !inbox.countContext(m);
      if (overRate) {
        // The sync before reopening takes in what came meanwhile off the main thread; the catch-up reads it.
        if (stream?.pause(c.AGENT_FLOOD_PAUSE_MS, () => group.sync())) {
          log.warn({ sender: m.senderInboxId, ms: c.AGENT_FLOOD_PAUSE_MS }, "flooded: reading paused");
          worker.events.emit("agent:reading_paused", {
            agentId: agent.id,
            identityId: identity.id,
            sender: m.senderInboxId,
            ms: c.AGENT_FLOOD_PAUSE_MS,
          });
        }
      }
    },
    onRestart: (since) => {
      void enqueue(() => catchUp(since));
      void enqueue(() => replayGap(since));
    },
    onError: (err) => log.warn({ err }, "group stream error"),
  });
  void enqueue(catchUp);

  let joins: JoinRequestProcessor | undefined;
  if (identity.role === "creator") {
    joins = await startJoinRequestProcessor({
      client,
      privateKey: o.privateKey,
      ledger: new PgLedger(identity.id),
      closed: () => refusal,
      onEvent: (event) => {
        if (event.type === "warning") log.warn({ err: event.error }, event.message);
        else if (event.outcome.kind === "joined") {
          const inboxId = event.outcome.joinerInboxId;
          void enqueue(async () => {
            const first = await recordFirstJoin(agent.id, identity.id, inboxId);
            // The first person in steers an ownerless agent; an owned one waits for its owner's code.
            if (identity.isOwnerConversation && (await setFirstOperator(agent.id, inboxId)))
              await noteOperatorName(group, agent.id, inboxId);
            // Each extra (/invite) conversation greets its own first member.
            const greet = identity.isOwnerConversation
              ? first
              : await recordFirst(identity.id, "greeting", "greeted");
            const unsteered = greet && (await agentState(agent.id)).operators.length === 0;
            if (greet)
              await group.sendText(
                greetingFor(agent) +
                  (unsteered ? `\n${noOperatorYet(agent.id, worker.settings.PUBLIC_URL)}` : ""),
              );
            log.info({ inboxId, greeted: greet }, "member joined");
            worker.events.emit("agent:member_joined", {
              agentId: agent.id,
              identityId: identity.id,
              inboxId,
              greeted: greet,
            });
          });
        }
      },
    });
  }

  /** Stops reading and answering; the client stays open (a wind-down still speaks through it). */
  const halt = async () => {
    if (closed) return;
    closed = true;
    watch.stop();
    clearTimeout(retryTimer);
    await Promise.allSettled([stream?.end(), joins?.stop()]);
    await tail;
    await inbox.close();
  };
  // The runtime owns its client (one per identity): closing it releases its workers and database connections.
  let clientClosed = false;
  const closeClient = async () => {
    if (clientClosed) return;
    clientClosed = true;
    await closeXmtpClient(client).catch((err) => log.warn({ err }, "closing the client failed"));
  };

  return {
    identityId: identity.id,
    agentId: agent.id,
    fire: async (f) => {
      let sent = false;
      await enqueue(async () => (sent = await sendFiring(ctx, f)));
      return sent;
    },
    close: async () => {
      // A wind-down in progress still needs the client for its last line and to leave.
      await windingDown?.catch(() => undefined);
      await halt();
      await closeClient();
    },
    windDown(line, heirs) {
      windingDown ??= (async () => {
        refusal = JOIN_REFUSAL;
        watch.stop();
        // Requests already waiting get their refusal before the processor stops.
        if (joins && !closed)
          await joins.catchUp().catch((err) => log.warn({ err }, "refusing waiting join requests failed"));
        await halt();
        try {
          return await sayGoodbyeAndLeave(group, client.inboxId, line, heirs, log);
        } finally {
          await closeClient();
        }
      })();
      return windingDown;
    },
  };
}
