/**
 * One live identity at work: its group's messages are answered by the
 * Responder, and, for a creator identity, join requests for its invite are
 * accepted (lib/convos creator side, with the PostgreSQL ledger) and the first
 * person to join is greeted.
 *
 * Exactly-once across workers and restarts: a message is claimed in the
 * HandledMessage ledger (INSERT … ON CONFLICT DO NOTHING) before it is
 * answered, so a message is answered at most once even when two workers
 * overlap after a lease expiry; the catch-up pass at start answers what
 * arrived while nobody ran the agent. Own messages and non-text content are
 * never answered. The stream runs with `disableSync: true`, so messages
 * arriving while it restarts are emitted instead of silently synced.
 */
import type { Client, DecodedMessage, Group } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import { Direction, isContentType, startJoinRequestProcessor, type JoinRequestProcessor } from "@/lib/convos";
import type { ContentTypeId } from "@/lib/convos/codecs/json";
import { claimMessage, PgLedger, recordFirstJoin } from "@/lib/identities";
import { streamOptions } from "@/lib/xmtp";
import type { WorkerEvents } from "./events";
import { greetingFor, type Responder } from "./responder";
import type { InFlight } from "./timers";

const TEXT: ContentTypeId = { authorityId: "xmtp.org", typeId: "text", versionMajor: 1, versionMinor: 0 };
const CATCH_UP_LIMIT = 50;

export interface AgentRuntimeOptions {
  identity: { id: string; role: "creator" | "joiner"; conversationId: string };
  agent: { id: string; name: string; instructions: string };
  client: Client<unknown>;
  privateKey: Uint8Array;
  responder: Responder;
  events: WorkerEvents;
  log: Logger;
  inFlight: InFlight;
  signal: AbortSignal;
}

export interface AgentRuntime {
  identityId: string;
  agentId: string;
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

  const answer = async (m: DecodedMessage<unknown>) => {
    if (stopped || o.signal.aborted) return; // left unclaimed: the next owner answers it
    if (m.conversationId !== group.id || m.senderInboxId === client.inboxId) return;
    if (!isContentType(m.contentType as ContentTypeId, TEXT) || typeof m.content !== "string") return;
    const started = performance.now();
    if (!(await claimMessage(identity.id, m.id, "answered"))) return;
    const text = await o.responder.reply({
      agentName: agent.name,
      instructions: agent.instructions,
      text: m.content,
      senderInboxId: m.senderInboxId,
      signal: o.signal,
    });
    if (text) await group.sendText(text);
    const durationMs = Math.round(performance.now() - started);
    log.info({ messageId: m.id, durationMs }, "answered");
    o.events.emit("agent:answered", {
      agentId: agent.id,
      identityId: identity.id,
      messageId: m.id,
      durationMs,
    });
  };

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
            if (first) await group.sendText(greetingFor(agent));
            log.info({ inboxId, greeted: first }, "member joined");
            o.events.emit("agent:member_joined", {
              agentId: agent.id,
              identityId: identity.id,
              inboxId,
              greeted: first,
            });
          });
        }
      },
    });
  }

  return {
    identityId: identity.id,
    agentId: agent.id,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled([stream.end(), joins?.stop()]);
      await tail;
    },
  };
}
