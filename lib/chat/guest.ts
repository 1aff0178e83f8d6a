import "server-only";
/**
 * The browser chat (/agents/[id], XMTP_ENV=local only): the
 * server gives the signed-in user a guest XMTP identity that joins the agent's
 * conversation through the real invite flow (lib/chat/session.ts, the
 * Convos joiner), and relays its messages to the page. One guest identity per
 * user and agent, kept under DATA_DIR/guests (0600 key file).
 *
 * Open sessions are the only XMTP clients the web app holds, so they are kept
 * no longer than needed: a session nobody has watched or used for IDLE_MS is
 * closed (reopening rejoins with the same identity, history included), and
 * stopping an agent closes its sessions at once.
 */
import path from "node:path";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import type { RemoteAttachment } from "@xmtp/node-sdk";
import { openChatSession, type ChatFile, type ChatMessage, type ChatSession } from "./session";
import { setTimeout as sleep } from "node:timers/promises";

export type { ChatFile, ChatMessage };

/** A guest's chat in an agent's conversation, as the page's routes and actions use it. */
export interface GuestChat {
  send(text: string): Promise<void>;
  /** Sends a file stored encrypted (lib/files/store.ts) as a remote attachment. */
  sendFile(attachment: RemoteAttachment): Promise<void>;
  /** The file `index` of message `messageId`, when that message is in the transcript (else undefined). */
  file(messageId: string, index: number): ChatFile | undefined;
  /** Everything said so far (history at join, then live texts), so a reconnecting page misses nothing. */
  transcript(): ChatMessage[];
  /** Calls `onMessage` for each new text until the returned function is called, or `onClose` once the chat is closed. */
  subscribe(onMessage: (m: ChatMessage) => void, onClose: () => void): () => void;
}

export interface GuestChatKey {
  userId: string;
  agentId: string;
}

export interface OpenGuestChat extends GuestChatKey {
  inviteUrl: string;
  name: string;
}

/** How long closing a chat waits for its session (a join in progress) before letting it close on its own. */
const CLOSE_WAIT_MS = 2_000;
const TRANSCRIPT_LIMIT = 500;
const SWEEP_EVERY_MS = 60_000;
export const GUEST_CHAT_IDLE_MS = 10 * 60_000;

interface Entry {
  key: GuestChatKey;
  session: Promise<ChatSession>;
  live: ChatMessage[];
  closers: Set<() => void>;
  lastUsed: number;
}

/** The open guest chats of one process, by user and agent. */
export class GuestChats {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly o: {
      dataDir: string;
      idleMs: number;
      now?: () => number;
      open?: typeof openChatSession;
    },
  ) {}

  /** The user's chat in the agent's conversation, joining through the invite on first use; throws AppError. */
  async chat(request: OpenGuestChat): Promise<GuestChat> {
    const id = entryId(request);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = this.start(request);
      this.entries.set(id, entry);
    }
    entry.lastUsed = this.now();
    try {
      return this.view(entry, await entry.session);
    } catch (error) {
      if (this.entries.get(id) === entry) this.entries.delete(id);
      console.error("[chat] guest join failed", error);
      throw new AppError(
        "chat_join_failed",
        "Couldn't join the agent's conversation. Is the agent live? Try again in a moment.",
        503,
      );
    }
  }

  /** Closes every guest chat in the agent's conversations (the agent was stopped). */
  async closeAgent(agentId: string): Promise<void> {
    await Promise.all(
      [...this.entries.values()].filter((e) => e.key.agentId === agentId).map((e) => this.close(e)),
    );
  }

  /** Closes the chats nobody watches and nobody used for idleMs; returns how many. */
  async sweep(): Promise<number> {
    const idle = [...this.entries.values()].filter(
      (e) => e.closers.size === 0 && this.now() - e.lastUsed >= this.o.idleMs,
    );
    await Promise.all(idle.map((e) => this.close(e)));
    return idle.length;
  }

  get size(): number {
    return this.entries.size;
  }

  private start(request: OpenGuestChat): Entry {
    const live: ChatMessage[] = [];
    const session = (this.o.open ?? openChatSession)({
      inviteUrl: request.inviteUrl,
      dataDir: path.join(this.o.dataDir, "guests", request.userId, request.agentId),
      name: request.name,
      env: "local",
      joinTimeoutMs: 30_000,
    }).then((s) => {
      s.onMessage((m) => {
        live.push(m);
        if (live.length > TRANSCRIPT_LIMIT) live.shift();
      });
      return s;
    });
    return {
      key: { userId: request.userId, agentId: request.agentId },
      session,
      live,
      closers: new Set(),
      lastUsed: this.now(),
    };
  }

  private view(entry: Entry, session: ChatSession): GuestChat {
    return {
      send: async (text) => {
        entry.lastUsed = this.now();
        await session.send(text);
      },
      sendFile: async (attachment) => {
        entry.lastUsed = this.now();
        await session.sendFile(attachment);
      },
      file: (messageId, index) =>
        [...entry.live, ...session.history].find((m) => m.id === messageId)?.files[index],
      transcript: () => [...session.history, ...entry.live],
      subscribe: (onMessage, onClose) => {
        const off = session.onMessage(onMessage);
        entry.closers.add(onClose);
        return () => {
          off();
          entry.closers.delete(onClose);
          entry.lastUsed = this.now();
        };
      },
    };
  }

  private async close(entry: Entry): Promise<void> {
    const id = entryId(entry.key);
    if (this.entries.get(id) === entry) this.entries.delete(id);
    for (const onClose of entry.closers) onClose();
    entry.closers.clear();
    // A chat still joining closes when its join ends; nobody waits longer than CLOSE_WAIT_MS for that (a
    // stopped agent may never answer the join, and stopping must not hang on it).
    const closing = entry.session.then((s) => s.close()).catch(() => undefined);
    await Promise.race([closing, sleep(CLOSE_WAIT_MS, undefined, { ref: false })]);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}

function entryId(key: GuestChatKey): string {
  return `${key.userId}:${key.agentId}`;
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function browserChatEnabled(): boolean {
  return config().XMTP_ENV === "local";
}

// One registry per process, kept on globalThis so dev-mode module reloads don't orphan open clients.
const holder = globalThis as unknown as { guestChats?: GuestChats };

function guestChats(): GuestChats {
  if (!holder.guestChats) {
    const chats = new GuestChats({ dataDir: config().DATA_DIR, idleMs: GUEST_CHAT_IDLE_MS });
    setInterval(() => void chats.sweep(), SWEEP_EVERY_MS).unref();
    holder.guestChats = chats;
  }
  return holder.guestChats;
}

/** The user's guest chat in the agent's conversation (see GuestChats.chat); throws AppError. */
export async function guestChat(request: OpenGuestChat): Promise<GuestChat> {
  if (!browserChatEnabled())
    throw new AppError("chat_disabled", "The browser chat works only on the local XMTP network.", 400);
  if (!SAFE_ID.test(request.userId) || !SAFE_ID.test(request.agentId))
    throw new AppError("invalid_input", "Bad identifiers.", 400);
  return guestChats().chat(request);
}

/** Closes the browser chats in a stopped agent's conversations (nothing to do when none is open). */
export async function closeGuestChats(agentId: string): Promise<void> {
  await holder.guestChats?.closeAgent(agentId);
}
