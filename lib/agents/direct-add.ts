/**
 * Direct add: current Convos clients add an assistant to a conversation by its
 * inbox id (`addMembers`) instead of having it join through an invite. A
 * direct-add claim is the launch's one statement (claim-warm-identity.ts) with
 * the agent's source `direct` and an `addDeadline` on the warm identity; the
 * claimant gets the identity's inbox id (its warm invite is never handed out).
 *
 *   waiting   the worker holds the identity's lease and watches its
 *             conversations (a welcome stream, a sync as fallback) until the
 *             deadline;
 *   added     the first conversation it is added to becomes its conversation:
 *             `markAdded` clears the deadline and makes it a joiner (it is in
 *             someone else's conversation; its warm invite is wiped), then the
 *             handoff goes on as for any claimed identity;
 *   refused   an add by someone other than the claimant, when the claim named
 *             the claimant's inbox (`addExpectedFrom`): the agent leaves that
 *             conversation and keeps waiting;
 *   expired   nobody added it by the deadline (DIRECT_ADD_WAIT_MS): the agent
 *             stops (`not_added`) and its identity goes back to the pool, or,
 *             if it is in a conversation after all, is retired: an inbox that
 *             took part in a stranger's conversation is never handed to
 *             another claimant.
 *
 * Once live, each later add into another conversation is refused (the agent
 * leaves it), unless the agent's extra-conversation allowance covers it: then
 * a fresh warm identity of the agent is added there in its place and waits,
 * like a claim, to be added (extra conversations each have their own inbox).
 */
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { releaseUnadded, retireIdentity } from "@/lib/identities/identity-status";
import { stopAgentRow } from "./agent-status";
import { AGENT_STOPPED_CHANNEL } from "./lifecycle";

const INBOX_ID_RE = /^[0-9a-f]{64}$/;

/** An inbox id as XMTP writes it (64 lowercase hex characters, an optional 0x dropped); throws AppError 400. */
export function parseInboxId(text: string, what = "adderInboxId"): string {
  const id = text.trim().toLowerCase().replace(/^0x/, "");
  if (!INBOX_ID_RE.test(id))
    throw new AppError("invalid_inbox_id", `${what} must be an XMTP inbox id: 64 hexadecimal characters.`);
  return id;
}

/**
 * The link a direct-add claim hands out with the inbox id. No Convos client handles a link to add a
 * member yet (their links carry invites only), so this is the app's own scheme with the inbox id in the
 * query; a client that does not know it ignores it, and the inbox id itself is what a person pastes.
 */
export function addLink(inboxId: string): string {
  return `convos://add?inboxId=${inboxId}`;
}

/** The direct-add wait of a claim made now (DIRECT_ADD_WAIT_MS). */
export function directAddWaitMs(): number {
  return config().DIRECT_ADD_WAIT_MS;
}

/**
 * The claimant's inbox for a direct add, checked: none when not named; throws AppError 400 when it is not
 * an inbox id or is one of our own agents' inboxes.
 */
export async function expectedAdder(adderInboxId: string | undefined): Promise<string | null> {
  if (adderInboxId === undefined) return null;
  const inboxId = parseInboxId(adderInboxId);
  const ours = await db.identity.findFirst({ where: { inboxId }, select: { id: true } });
  if (ours) throw new AppError("own_inbox", "adderInboxId is one of our agents' inboxes, not a person's.");
  return inboxId;
}

/**
 * The waiting identity was added to `conversationId`: it becomes that conversation's joiner, its deadline
 * and warm invite cleared. Only while `workerId` holds it and it still waits; true when marked.
 */
export async function markAdded(
  identityId: string,
  workerId: string,
  conversationId: string,
): Promise<boolean> {
  const { count } = await db.identity.updateMany({
    where: { id: identityId, leaseOwner: workerId, addDeadline: { not: null } },
    data: {
      conversationId,
      role: "joiner",
      addDeadline: null,
      addExpectedFrom: null,
      inviteUrl: null,
      inviteTag: null,
    },
  });
  return count === 1;
}

export interface Unadded {
  agentId: string;
  identityId: string;
  workerId: string;
  /** The agent's first conversation (its claim), else an extra one. */
  ownerConversation: boolean;
  /** The identity is in some conversation besides its own warm one: retire it, never pool it again. */
  retire: boolean;
}

/**
 * A direct add that nobody made in time: the claim's agent stops (`not_added`, with its event and the
 * stop's notification) and the identity goes back to the pool, or is retired (`retire`), in one
 * transaction; an extra conversation's identity only goes. Returns what became of the identity.
 */
export async function expireUnadded(u: Unadded): Promise<"released" | "retired" | "none"> {
  const released = await db.$transaction(async (tx) => {
    if (u.ownerConversation && (await stopAgentRow(tx, u.agentId, "not_added"))) {
      await tx.event.create({
        data: {
          kind: "stopped",
          agentId: u.agentId,
          identityId: u.identityId,
          data: { by: "conversation", reason: "not_added" },
        },
      });
      await tx.$executeRaw`SELECT pg_notify(${AGENT_STOPPED_CHANNEL}, ${u.agentId})`;
    }
    return u.retire ? false : releaseUnadded(tx, u.identityId, u.workerId);
  });
  if (released) return "released";
  if (!u.retire) return "none";
  await retireIdentity(u.identityId, u.workerId);
  return "retired";
}

/** Sets an extra identity of a live agent waiting to be added by `adder` (the agent's own inbox, which adds it). */
export async function expectAdd(identityId: string, adder: string, waitMs: number): Promise<void> {
  await db.identity.update({
    where: { id: identityId },
    data: { addDeadline: new Date(Date.now() + waitMs), addExpectedFrom: adder },
  });
}
