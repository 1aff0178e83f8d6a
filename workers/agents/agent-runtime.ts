/**
 * One live identity at work: its group's text messages are answered (see
 * answer.ts: dmPolicy, commands, the model, the spending cap), and, for a
 * creator identity, join requests for its invite are accepted (lib/convos
 * creator side, with the PostgreSQL ledger) and the first person to join is
 * greeted; in the owner conversation that person becomes the agent's operator.
 *
 * Exactly once across workers and restarts: see the ledger's state machine in
 * lib/identities/ledger.ts. Each start of a runtime is one "run" with its own
 * token; the catch-up pass at start answers what arrived while nobody ran the
 * agent and what a previous run claimed but never got to send. Messages are
 * handled one at a time, in order. The stream runs with `disableSync: true`,
 * so messages arriving while it restarts are emitted instead of silently synced.
 */
import { randomUUID } from "node:crypto";
import type { Client, DecodedMessage, Group } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import { Direction, startJoinRequestProcessor, type JoinRequestProcessor } from "@/lib/convos";
import { claimMessage, PgLedger, recordFirstJoin, setFirstOperator } from "@/lib/identities";
import { streamOptions } from "@/lib/xmtp";
import { answerMessage, type AnswerContext } from "./answer";
import type { ConversationOps } from "./commands";
import type { WorkerEvents } from "./events";
import { MemberDirectory } from "./members";
import { greetingFor, type Responder } from "./responder";
import { sendFiring } from "./scheduled";
import type { Firing } from "@/lib/schedules/firing";
import type { InFlight } from "./timers";

const CATCH_UP_LIMIT = 50;

export interface AgentRuntimeOptions {
  identity: { id: string; role: "creator" | "joiner"; conversationId: string; isOwnerConversation: boolean };
  agent: { id: string; name: string; instructions: string };
  client: Client<unknown>;
  privateKey: Uint8Array;
  responder: Responder;
  ops: ConversationOps;
  events: WorkerEvents;
  log: Logger;
  inFlight: InFlight;
  signal: AbortSignal;
  /** The 👀 reaction shows when the responder takes longer than this (1.5 s). */
  thinkingAfterMs?: number;
  /** Spending cap for agents without their own tokenCap; undefined = unlimited. */
  defaultTokenCap?: number;
}

export interface AgentRuntime {
  identityId: string;
  agentId: string;
  /** Sends a reminder's or schedule's run after the work already queued; true when this call sent it. */
  fire(f: Firing): Promise<boolean>;
  /** Stops streams and waits for queued work; safe to call twice. */
  stop(): Promise<void>;
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
export async function startAgentRuntime(o: AgentRuntimeOptions): Promise<AgentRuntime> {
  const { client, identity, agent, log } = o;
  const group = await findGroup(client, identity.conversationId);
  let stopped = false;
  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = (task: () => Promise<unknown>) => {
    const run = tail.then(task).catch((err) => log.warn({ err }, "message handling failed"));
    tail = run;
    return o.inFlight.track(run);
  };

  const ctx: AnswerContext = {
    run: randomUUID(),
    identity,
    agentId: agent.id,
    group,
    ownInboxId: client.inboxId,
    members: new MemberDirectory(group),
    responder: o.responder,
    ops: o.ops,
    events: o.events,
    log,
    signal: o.signal,
    thinkingAfterMs: o.thinkingAfterMs ?? 1_500,
    defaultTokenCap: o.defaultTokenCap,
    stopped: () => stopped,
    later: (outcome) =>
      void o.inFlight.track(
        outcome
          .then((line) => enqueue(() => group.sendText(line)))
          .catch((err) => log.warn({ err }, "a command's later outcome failed")),
      ),
  };
  const answer = (m: DecodedMessage<unknown>) => answerMessage(ctx, m);

  const catchUp = async () => {
    await group.sync();
    const recent = await group.messages({ limit: CATCH_UP_LIMIT, direction: Direction.Descending });
    for (const m of recent.reverse()) await answer(m);
  };

  const stream = await client.conversations.streamAllGroupMessages(
    streamOptions({
      disableSync: true,
      onValue: (m: DecodedMessage<unknown> | undefined) => {
        if (m) void enqueue(() => answer(m));
      },
      onRestart: () => void enqueue(catchUp),
      onError: (err: unknown) => log.warn({ err }, "group stream error"),
    }),
  );
  void enqueue(catchUp);

  let joins: JoinRequestProcessor | undefined;
  if (identity.role === "creator") {
    joins = await startJoinRequestProcessor({
      client,
      privateKey: o.privateKey,
      ledger: new PgLedger(identity.id),
      onEvent: (event) => {
        if (event.type === "warning") log.warn({ err: event.error }, event.message);
        else if (event.outcome.kind === "joined") {
          const inboxId = event.outcome.joinerInboxId;
          void enqueue(async () => {
            const first = await recordFirstJoin(agent.id, identity.id, inboxId);
            // Launch claim: the first person in through the owner conversation's invite steers the agent.
            if (identity.isOwnerConversation) await setFirstOperator(agent.id, inboxId);
            // Each extra (/invite) conversation greets its own first member.
            const greet = identity.isOwnerConversation
              ? first
              : await claimMessage(identity.id, "greeting", "greeted");
            if (greet) await group.sendText(greetingFor(agent));
            log.info({ inboxId, greeted: greet }, "member joined");
            o.events.emit("agent:member_joined", {
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

  return {
    identityId: identity.id,
    agentId: agent.id,
    fire: async (f) => {
      let sent = false;
      await enqueue(async () => (sent = await sendFiring(ctx, f)));
      return sent;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled([stream.end(), joins?.stop()]);
      await tail;
    },
  };
}
