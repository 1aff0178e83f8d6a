/**
 * An agent's conversations as `/conversations` and the agent page show them:
 * each with its member count and the state of its invite, as the workers
 * running them last wrote it (lib/invites/requests.ts). Owner conversation
 * first, then the others in the order they were opened; `/revoke 2` and
 * `/revoke Side chat` name them by that number or by name.
 */
import { db } from "@/lib/db";
import { ACTIVE_IDENTITY_STATUSES } from "@/lib/identities/identity-status";

export interface AgentConversation {
  identityId: string;
  /** 1-based, in the order of the list. */
  number: number;
  name: string;
  role: "creator" | "joiner";
  isOwnerConversation: boolean;
  status: string;
  memberCount: number | null;
  inviteUrl: string | null;
  inviteExpiresAt: Date | null;
  inviteSingleUse: boolean;
  inviteUsedAt: Date | null;
  lockedAt: Date | null;
}

/** The invite of a conversation, in one word, for display and for deciding what may be done with it. */
export type InviteState = "open" | "expired" | "used" | "locked" | "none" | "not_ours";

/** The conversations of an agent (of `ownerId`'s, when given: someone else's gives none). */
export async function agentConversations(
  agentId: string,
  agentName: string,
  ownerId?: string,
): Promise<AgentConversation[]> {
  const rows = await db.identity.findMany({
    where: {
      agentId,
      status: { in: [...ACTIVE_IDENTITY_STATUSES] },
      // A direct add waiting to be added is in no conversation yet (lib/agents/direct-add.ts).
      addDeadline: null,
      ...(ownerId !== undefined ? { agent: { ownerId } } : {}),
    },
    orderBy: [{ isOwnerConversation: "desc" }, { claimedAt: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      role: true,
      isOwnerConversation: true,
      status: true,
      conversationName: true,
      memberCount: true,
      inviteUrl: true,
      inviteExpiresAt: true,
      inviteSingleUse: true,
      inviteUsedAt: true,
      lockedAt: true,
    },
  });
  return rows.map(({ id, conversationName, ...r }, i) => ({
    ...r,
    identityId: id,
    number: i + 1,
    name: conversationName ?? (r.isOwnerConversation ? agentName : "Untitled"),
  }));
}

/** What can be said of the conversation's invite now. */
export function inviteState(c: AgentConversation, now = new Date()): InviteState {
  if (c.role !== "creator") return "not_ours";
  if (c.lockedAt) return "locked";
  if (!c.inviteUrl) return "none";
  if (c.inviteSingleUse && c.inviteUsedAt) return "used";
  if (c.inviteExpiresAt && c.inviteExpiresAt <= now) return "expired";
  return "open";
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** "invite open until 2026-12-08 10:00 UTC, single-use", "locked", …: one phrase. */
export function inviteStateText(c: AgentConversation, now = new Date()): string {
  const state = inviteState(c, now);
  switch (state) {
    case "not_ours":
      return "joined: its invites are its creator's";
    case "locked":
      return "locked: nobody new can join";
    case "none":
      return "no invite";
    case "used":
      return "single-use invite, used";
    case "expired":
      return `invite expired at ${utc(c.inviteExpiresAt!)}`;
    case "open": {
      const until = c.inviteExpiresAt ? ` until ${utc(c.inviteExpiresAt)}` : ", no expiry";
      return `invite open${until}${c.inviteSingleUse ? ", single-use" : ""}`;
    }
  }
}

/** The conversation `ref` names: its number in the list, or its name (case and spacing ignored); null if none. */
export function findConversation(list: AgentConversation[], ref: string): AgentConversation | null {
  const wanted = ref.trim().replace(/\s+/g, " ").toLowerCase();
  if (/^\d{1,3}$/.test(wanted)) return list.find((c) => c.number === Number(wanted)) ?? null;
  return list.find((c) => c.name.trim().replace(/\s+/g, " ").toLowerCase() === wanted) ?? null;
}

/** The `/conversations` reply. */
export function conversationsText(list: AgentConversation[], now = new Date()): string {
  const lines = list.map((c) => {
    const members =
      c.memberCount === null ? "members unknown" : `${c.memberCount} member${c.memberCount === 1 ? "" : "s"}`;
    const here = c.isOwnerConversation ? " (this one)" : "";
    return `${c.number}. "${c.name}"${here}: ${members} · ${inviteStateText(c, now)}`;
  });
  return [`My conversations (${list.length}):`, ...lines].join("\n");
}

/** The identity id of a conversation the user's running agent created, or null (missing, someone else's, joined). */
export async function ownersCreatedConversation(
  agentId: string,
  identityId: string,
  ownerId: string,
): Promise<string | null> {
  const row = await db.identity.findFirst({
    where: {
      id: identityId,
      agentId,
      role: "creator",
      status: { in: [...ACTIVE_IDENTITY_STATUSES] },
      addDeadline: null,
      agent: { ownerId, status: { not: "stopped" } },
    },
    select: { id: true },
  });
  return row?.id ?? null;
}
