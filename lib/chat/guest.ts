import "server-only";
/**
 * The browser chat (PRODUCT.md §2, /agents/[id], XMTP_ENV=local only): the
 * server gives the signed-in user a guest XMTP identity that joins the agent's
 * conversation through the real invite flow (workers/chat/session.ts, the
 * Convos joiner), and relays its messages to the page. One guest identity per
 * user and agent, kept under DATA_DIR/guests (0600 key file); sessions are
 * cached in this process, so the web app only ever holds these guest clients.
 */
import path from "node:path";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { openChatSession, type ChatMessage, type ChatSession } from "@/workers/chat/session";

export type { ChatMessage };

/** A guest session and everything said in it so far (history at join, then live texts), so a reconnecting page misses nothing. */
export interface GuestChat {
  session: ChatSession;
  transcript(): ChatMessage[];
}

const TRANSCRIPT_LIMIT = 500;

async function open(o: { inviteUrl: string; dataDir: string; name: string }): Promise<GuestChat> {
  const session = await openChatSession({ ...o, env: "local", joinTimeoutMs: 30_000 });
  const live: ChatMessage[] = [];
  session.onMessage((m) => {
    live.push(m);
    if (live.length > TRANSCRIPT_LIMIT) live.shift();
  });
  return { session, transcript: () => [...session.history, ...live] };
}

const holder = globalThis as unknown as { guestSessions?: Map<string, Promise<GuestChat>> };
const sessions = (holder.guestSessions ??= new Map());

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function browserChatEnabled(): boolean {
  return config().XMTP_ENV === "local";
}

/** The user's guest session in the agent's conversation, joining through `inviteUrl` on first use; throws AppError. */
export async function guestSession(o: { userId: string; agentId: string; inviteUrl: string; name: string }): Promise<GuestChat> {
  if (!browserChatEnabled()) throw new AppError("chat_disabled", "The browser chat works only on the local XMTP network.", 400);
  if (!SAFE_ID.test(o.userId) || !SAFE_ID.test(o.agentId)) throw new AppError("invalid_input", "Bad identifiers.", 400);
  const key = `${o.userId}:${o.agentId}`;
  let session = sessions.get(key);
  if (!session) {
    session = open({ inviteUrl: o.inviteUrl, dataDir: path.join(config().DATA_DIR, "guests", o.userId, o.agentId), name: o.name });
    sessions.set(key, session);
    session.catch(() => sessions.delete(key));
  }
  try {
    return await session;
  } catch (error) {
    console.error("[chat] guest join failed", error);
    throw new AppError("chat_join_failed", "Couldn't join the agent's conversation. Is the agent live? Try again in a moment.", 503);
  }
}
