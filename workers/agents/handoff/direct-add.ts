/**
 * The worker side of a direct add (lib/agents/direct-add.ts has the states):
 * a claimed identity waits, under this worker's lease, to be added to a
 * conversation by its inbox id; once live, later adds into other conversations
 * are refused, or covered by the agent's extra-conversation allowance.
 *
 * The wait watches the identity's conversations two ways, as the lost-home
 * wait does (recover-home.ts): a conversation stream for the welcome, and a
 * sync every few seconds as its fallback. The warm identity's own group (it
 * created it) is never a candidate. An add by someone other than the expected
 * adder is refused: the agent says so and leaves. Past the deadline, the
 * identity is released (or retired if it is in any conversation) and the
 * handoff ends without a runtime.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Client, Group } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import { expectAdd, expireUnadded, markAdded } from "@/lib/agents/direct-add";
import { claimExtraConversation } from "@/lib/agents/extra-conversation";
import { stoppedAgentsAmong } from "@/lib/agents/lifecycle";
import { claimExtraWithinLimits } from "@/lib/agents/limits";
import { streamOptions } from "@/lib/xmtp";
import type { AgentRuntime } from "@/workers/agents/runtime/contracts";
import { sayGoodbyeAndLeave } from "@/workers/agents/stop/leave";
import type { WorkerContext } from "@/workers/agents/worker/context";

/** How often the wait re-checks by itself (a sync, the deadline, a stop meanwhile). */
const CHECK_EVERY_MS = 3_000;

/** Said in a conversation the agent was added to by someone other than whoever claimed it. */
export const NOT_CLAIMANT_LINE = "I was set up for someone else, so I can't stay here. Goodbye!";
/** Said in a second conversation the agent was added to, when its allowance doesn't cover one more. */
export const ONE_CONVERSATION_LINE =
  "I only take part in the conversation I was first added to, so I'm leaving this one. Goodbye!";
/** Said when a fresh identity of the agent takes its place in a second conversation. */
export const HANDING_OVER_LINE = "One moment: a fresh copy of me takes my place here.";

/** The identity fields the wait reads. */
export interface WaitingIdentity {
  id: string;
  agentId: string;
  isOwnerConversation: boolean;
  /** Its warm group (never a candidate), or the conversation it was added to. */
  conversationId: string | null;
  addDeadline: Date | null;
  addExpectedFrom: string | null;
}

export type AddOutcome = { added: Group<unknown> } | { ended: "expired" | "stopped" };

/**
 * The groups the identity was added to by someone, oldest first, other than `except`: not its own warm
 * group, and not one it already asked to leave (pending removal is kept in its database, so a restart
 * does not refuse the same add twice).
 */
function addedGroups(client: Client<unknown>, except: ReadonlySet<string>): Group<unknown>[] {
  return client.conversations
    .listGroups()
    .filter(
      (g) => !except.has(g.id) && g.addedByInboxId !== client.inboxId && g.isActive && !g.isPendingRemoval(),
    )
    .sort((a, b) => (a.createdAtNs < b.createdAtNs ? -1 : 1));
}

/** Resolves when the conversation stream brings a new conversation, or ends (then: syncs only). */
async function nextWelcome(client: Client<unknown>, signal: AbortSignal) {
  const welcomes = await client.conversations.stream(streamOptions());
  let streaming = true;
  const arrived = (async () => {
    for await (const c of welcomes) if (c) return;
  })()
    .catch(() => undefined)
    .finally(() => (streaming = false));
  return {
    wait: (ms: number) => {
      const pause = sleep(ms, undefined, { signal });
      pause.catch(() => undefined);
      return streaming ? Promise.race([arrived, pause]) : pause;
    },
    end: () => welcomes.end().catch(() => undefined),
  };
}

/**
 * Waits, holding the lease, until the identity is added to a conversation by its expected adder (or
 * anyone, when none is expected); refuses and leaves each add by someone else. Resolves with the
 * conversation, or how the wait ended: expired (identity released or retired) or stopped (the agent was).
 */
export async function awaitAdd(
  ctx: WorkerContext,
  s: WaitingIdentity,
  client: Client<unknown>,
  log: Logger,
): Promise<AddOutcome> {
  const deadline = s.addDeadline?.getTime() ?? 0;
  const skipped = new Set([s.conversationId ?? ""]);
  const welcome = await nextWelcome(client, ctx.signal);
  try {
    for (;;) {
      await client.conversations.sync();
      for (const group of addedGroups(client, skipped)) {
        if (!s.addExpectedFrom || group.addedByInboxId === s.addExpectedFrom) return { added: group };
        skipped.add(group.id);
        log.warn({ addedBy: group.addedByInboxId }, "added by someone other than the claimant: leaving");
        await sayGoodbyeAndLeave(group, client.inboxId, NOT_CLAIMANT_LINE, [], log);
      }
      if ((await stoppedAgentsAmong([s.id])).length > 0) return { ended: "stopped" };
      const left = deadline - Date.now();
      if (left <= 0) break;
      await welcome.wait(Math.min(CHECK_EVERY_MS, left));
    }
  } catch (err) {
    if (ctx.signal.aborted) throw new Error("stopped while waiting to be added");
    throw err;
  } finally {
    await welcome.end();
  }
  // In a conversation after all (one refused): never pooled again, its inbox is known there.
  const retire = skipped.size > 1;
  const became = await expireUnadded({
    agentId: s.agentId,
    identityId: s.id,
    workerId: ctx.workerId,
    ownerConversation: s.isOwnerConversation,
    retire,
  });
  log.info({ became }, "nobody added the agent in time");
  return { ended: "expired" };
}

/** Records the conversation the identity was added to; throws when the lease or the wait was lost meanwhile. */
export async function enterAdded(
  ctx: WorkerContext,
  s: Pick<WaitingIdentity, "id" | "conversationId" | "addDeadline">,
  group: Group<unknown>,
): Promise<void> {
  if (!(await markAdded(s.id, ctx.workerId, group.id)))
    throw new Error("the identity no longer waits to be added here");
  s.conversationId = group.id;
  s.addDeadline = null;
}

/**
 * A later add into another conversation: a fresh warm identity of the agent is added there in its place
 * and waits to be added like a claim, when the allowance covers one more (AGENT_EXTRA_CONVERSATIONS_MAX,
 * the owner's claim limits); either way this identity leaves. Never throws.
 */
async function refuseOrHandOver(
  ctx: WorkerContext,
  w: LaterAdds,
  group: Group<unknown>,
  log: Logger,
): Promise<void> {
  const { agentId, client } = w;
  let line = ONE_CONVERSATION_LINE;
  try {
    const extra = await claimExtraWithinLimits(agentId, ctx.settings.AGENT_EXTRA_CONVERSATIONS_MAX, (tx) =>
      claimExtraConversation(agentId, ctx.workerId, ctx.leaseMs, tx, ctx.homeKey),
    );
    await expectAdd(extra.identityId, client.inboxId, ctx.settings.DIRECT_ADD_WAIT_MS);
    try {
      await group.addMembers([extra.inboxId]);
      line = HANDING_OVER_LINE;
    } finally {
      // Waits for the add, or releases the fresh identity at its deadline when the add failed.
      w.handOver(extra.identityId);
    }
  } catch (err) {
    log.info({ err: String(err) }, "a later add is not covered: leaving that conversation");
  }
  await sayGoodbyeAndLeave(group, client.inboxId, line, [], log);
}

/** A live direct-added identity, and how a fresh identity of its agent is handed off (handoff.ts). */
export interface LaterAdds {
  agentId: string;
  conversationId: string;
  client: Client<unknown>;
  handOver(identityId: string): void;
}

/**
 * Watches a live direct-added identity's conversations: each add into another one is refused or handed
 * over (refuseOrHandOver), those made while nobody ran it included. The runtime returned ends the watch
 * when it closes or winds down.
 */
export function refuseLaterAdds(
  ctx: WorkerContext,
  w: LaterAdds,
  runtime: AgentRuntime,
  log: Logger,
): AgentRuntime {
  const { client } = w;
  const handled = new Set([w.conversationId]);
  const done = new AbortController();
  const watch = (async () => {
    const welcome = await nextWelcome(client, done.signal);
    try {
      while (!done.signal.aborted) {
        await client.conversations.sync();
        for (const group of addedGroups(client, handled)) {
          handled.add(group.id);
          log.warn({ addedBy: group.addedByInboxId }, "added to a second conversation");
          await refuseOrHandOver(ctx, w, group, log);
        }
        await welcome.wait(CHECK_EVERY_MS);
      }
    } finally {
      await welcome.end();
    }
  })().catch((err) => {
    if (!done.signal.aborted) log.warn({ err }, "watching for later adds failed");
  });
  const stop = async () => {
    done.abort();
    await watch;
  };
  return {
    ...runtime,
    close: async () => {
      await stop();
      await runtime.close();
    },
    windDown: async (line, heirs) => {
      await stop();
      return runtime.windDown(line, heirs);
    },
  };
}
