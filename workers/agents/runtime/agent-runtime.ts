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
import type { Client, DecodedMessage, Group } from "@xmtp/node-sdk";
import { JOIN_REFUSAL, type LeaveOutcome } from "@/lib/agents/lifecycle";
import { startJoinRequestProcessor, type JoinRequestProcessor } from "@/lib/convos";
import { recordFirstJoin } from "@/lib/identities";
import { PgLedger, recordFirst } from "@/lib/ledger/messages";
import { agentState, setFirstOperator } from "@/lib/agents/policy";
import { closeXmtpClient } from "@/lib/xmtp";
import type { Conversation } from "@/lib/agents/conversation";
import type { AnswerContext } from "@/workers/agents/answer/answer-context";
import { xmtpConversation } from "@/workers/agents/answer/conversation";
import { noOperatorYet } from "@/workers/agents/answer/commands";
import { greetingFor } from "@/workers/agents/answer/responder";
import { greetsOnArrival } from "@/lib/agents/greeting";
import { noteOperatorName } from "@/workers/agents/handoff/operator-names";
import { sendFiring } from "@/workers/agents/schedules/send-firing";
import { sayGoodbyeAndLeave } from "@/workers/agents/stop/leave";
import type { WorkerContext } from "@/workers/agents/worker/context";
import type { AgentRuntime, LiveIdentity } from "./contracts";
import { watchConversation, type ConversationWatch } from "./conversation-watch";
import { MemberDirectory } from "./members";
import { MessageReader } from "./message-reader";
import { StreamController } from "./stream-controller";
import { WorkQueue } from "./work-queue";
import { AgentProfile } from "./agent-profile";
import { settleUnsentAnswers } from "./unsent-answers";

/** Whether the run still reads and answers, and why join requests are refused. */
interface RunState {
  /** Set by close() or a wind-down: nothing more is read or answered. */
  closed: boolean;
  /** Set when the agent is stopped (windDown): join requests are refused with this reason. */
  refusal: string | null;
}

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
  const { client, identity, log } = o;
  const group = await findGroup(client, identity.conversationId);
  const state: RunState = { closed: false, refusal: null };
  const queue = new WorkQueue({ track: (p) => worker.inFlight.track(p), log });
  const watch = watchConversation(group, client.inboxId, o.onConversationEnded, log);
  const members = new MemberDirectory(group);
  const profile = new AgentProfile(
    worker,
    { identityId: identity.id, inboxId: client.inboxId, group },
    o.agent.name,
  );
  const ctx = answerContext(worker, o, { group, members, state, queue, profile });
  const reader = new MessageReader({
    worker,
    ctx,
    group,
    members,
    watch,
    queue,
    closed: () => state.closed,
    log,
  });
  // Queued before the stream opens, so it runs before this run says anything (see unsent-answers.ts).
  void queue.push(() =>
    settleUnsentAnswers({
      group,
      conversation: ctx.conversation,
      identityId: identity.id,
      ownInboxId: client.inboxId,
      log,
      state,
    }),
  );
  const stream = await openStream(worker, o, { group, reader });
  reader.firstCatchUp();
  const joins =
    identity.role === "creator"
      ? await startJoins(worker, o, { conversation: ctx.conversation, queue, state })
      : undefined;
  return runtime({ o, ctx, group, state, watch, queue, reader, stream, joins, profile });
}

function answerContext(
  worker: WorkerContext,
  o: LiveIdentity,
  run: {
    group: Group<unknown>;
    members: MemberDirectory;
    state: RunState;
    queue: WorkQueue;
    profile: AgentProfile;
  },
): AnswerContext {
  const { state, queue } = run;
  const conversation = xmtpConversation(run.group, run.profile);
  return {
    ...worker,
    run: randomUUID(),
    identity: o.identity,
    agentId: o.agent.id,
    conversation,
    ownInboxId: o.client.inboxId,
    members: run.members,
    log: o.log,
    closed: () => state.closed || state.refusal !== null,
    later: (outcome) =>
      void worker.inFlight.track(
        outcome
          .then((line) => queue.push(() => conversation.send(line)))
          .catch((err) => o.log.warn({ err }, "a command's later outcome failed")),
      ),
  };
}

/**
 * Reads the conversation live (stream-controller.ts). The stream runs with `disableSync: true`, so messages
 * arriving while it restarts are emitted instead of silently synced; after every gap the catch-up answers
 * what came meanwhile and the rest of the gap is replayed for context.
 */
function openStream(
  worker: WorkerContext,
  o: LiveIdentity,
  run: { group: Group<unknown>; reader: MessageReader },
): Promise<StreamController<DecodedMessage<unknown>>> {
  const { group, reader } = run;
  const pauseMs = worker.settings.AGENT_FLOOD_PAUSE_MS;
  return StreamController.open<DecodedMessage<unknown>>({
    source: { open: (hooks) => o.client.conversations.streamAllGroupMessages(hooks) },
    disableSync: true,
    pauseMs,
    onValue: (m) => reader.offer(m),
    resync: () => group.sync(),
    onPaused: (m) => {
      o.log.warn({ sender: m.senderInboxId, ms: pauseMs }, "flooded: reading paused");
      worker.events.emit("agent:reading_paused", {
        agentId: o.agent.id,
        identityId: o.identity.id,
        sender: m.senderInboxId,
        ms: pauseMs,
      });
    },
    catchUp: (since) => reader.catchUpLater(since),
    onError: (err) => o.log.warn({ err }, "group stream error"),
  });
}

/** A creator identity accepts join requests for its invite (refused once the agent is stopped). */
function startJoins(
  worker: WorkerContext,
  o: LiveIdentity,
  run: { conversation: Conversation; queue: WorkQueue; state: RunState },
): Promise<JoinRequestProcessor> {
  return startJoinRequestProcessor({
    client: o.client,
    privateKey: o.privateKey,
    ledger: new PgLedger(o.identity.id),
    closed: () => run.state.refusal,
    onEvent: (event) => {
      if (event.type === "warning") o.log.warn({ err: event.error }, event.message);
      else if (event.outcome.kind === "joined") {
        const inboxId = event.outcome.joinerInboxId;
        void run.queue.push(() => welcome(worker, o, run.conversation, inboxId));
      }
    },
  });
}

/**
 * Someone joined: the first person in steers an ownerless agent (an owned one waits for its owner's code),
 * and the conversation's first member is greeted (each extra /invite conversation greets its own).
 */
async function welcome(worker: WorkerContext, o: LiveIdentity, conversation: Conversation, inboxId: string) {
  const { agent, identity } = o;
  const first = await recordFirstJoin(agent.id, identity.id, inboxId);
  if (identity.isOwnerConversation && (await setFirstOperator(agent.id, inboxId)))
    await noteOperatorName(conversation, agent.id, inboxId);
  const firstHere = identity.isOwnerConversation
    ? first
    : await recordFirst(identity.id, "greeting", "greeted");
  const greet = firstHere && greetsOnArrival(agent.greeting, "launch");
  const unsteered = greet && (await agentState(agent.id)).operators.length === 0;
  if (greet)
    await conversation.send(
      greetingFor(agent) + (unsteered ? `\n${noOperatorYet(agent.id, worker.settings.PUBLIC_URL)}` : ""),
    );
  o.log.info({ inboxId, greeted: greet }, "member joined");
  worker.events.emit("agent:member_joined", {
    agentId: agent.id,
    identityId: identity.id,
    inboxId,
    greeted: greet,
  });
}

/** The running parts of one run, closed together. */
interface RunParts {
  o: LiveIdentity;
  ctx: AnswerContext;
  group: Group<unknown>;
  state: RunState;
  watch: ConversationWatch;
  queue: WorkQueue;
  reader: MessageReader;
  stream: StreamController<DecodedMessage<unknown>>;
  joins: JoinRequestProcessor | undefined;
  profile: AgentProfile;
}

/** The runtime's handle: schedule firings, close (teardown) and wind down (the agent's exit). */
function runtime(p: RunParts): AgentRuntime {
  const { o, state } = p;
  let windingDown: Promise<LeaveOutcome> | undefined;
  /** Ends reading and answering; the client stays open (a wind-down still speaks through it). */
  const halt = async () => {
    if (state.closed) return;
    state.closed = true;
    p.watch.close();
    p.reader.cancelRetry();
    await Promise.allSettled([p.stream.close(), p.joins?.stop()]);
    await p.queue.drained();
    await p.reader.close();
  };
  // The runtime owns its client (one per identity): closing it releases its workers and database connections.
  let clientClosed = false;
  const closeClient = async () => {
    if (clientClosed) return;
    clientClosed = true;
    await closeXmtpClient(o.client).catch((err) => o.log.warn({ err }, "closing the client failed"));
  };
  return {
    identityId: o.identity.id,
    agentId: o.agent.id,
    profile: p.profile,
    withConversation: (task) => {
      const c = { group: p.group, client: o.client, privateKey: o.privateKey, role: o.identity.role };
      return p.joins ? p.joins.run(() => task(c)) : task(c);
    },
    fire: async (f) => {
      let sent = false;
      await p.queue.push(async () => (sent = await sendFiring(p.ctx, f)));
      return sent;
    },
    post: async (line) => {
      let sent = false;
      await p.queue.push(async () => {
        if (state.closed || p.ctx.signal.aborted) return;
        await p.ctx.conversation.send(line);
        sent = true;
      });
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
        state.refusal = JOIN_REFUSAL;
        p.watch.close();
        // Requests already waiting get their refusal before the processor stops.
        if (p.joins && !state.closed)
          await p.joins
            .catchUp()
            .catch((err) => o.log.warn({ err }, "refusing waiting join requests failed"));
        await halt();
        try {
          return await sayGoodbyeAndLeave(p.group, o.client.inboxId, line, heirs, o.log);
        } finally {
          await closeClient();
        }
      })();
      return windingDown;
    },
  };
}
