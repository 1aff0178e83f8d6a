/**
 * The programmatic entry of the terminal chat client: open a session from an
 * invite URL, then send texts and receive the conversation's texts with sender
 * names. `main.ts` wraps it in a readline loop; end-to-end tests drive it directly.
 *
 * Names come from Convos profiles (docs/convos-protocol.md §8.3: latest profile_update → snapshot →
 * legacy appData → "Somebody"), refreshed whenever a profile message arrives.
 */
import fs from "node:fs";
import path from "node:path";
import type { Client, DecodedMessage, Group, RemoteAttachment } from "@xmtp/node-sdk";
import { attachmentsOf, type AttachmentRef } from "@/lib/attachments/refs.ts";
import { ConvosError } from "@/lib/convos/errors.ts";
import {
  convosCodecs,
  ContentTypeProfileSnapshot,
  ContentTypeProfileUpdate,
  isContentType,
} from "@/lib/convos/codecs/index.ts";
import { join, type JoinResult } from "@/lib/convos/joiner.ts";
import { parseInvite } from "@/lib/convos/url.ts";
import {
  displayName,
  resolveProfiles,
  type ProfileMessage,
  type ResolvedProfile,
} from "@/lib/convos/profiles.ts";
import {
  closeXmtpClient,
  createXmtpClient,
  discardQueue,
  eoaSigner,
  XMTP_DB_SUBDIR,
  type SupportedEnv,
} from "@/lib/xmtp/index.ts";
import { loadOrCreateIdentity } from "./identity.ts";

export interface ChatMessage {
  id: string;
  senderInboxId: string;
  senderName: string;
  fromMe: boolean;
  /** The words; empty for a message that only carries files. */
  text: string;
  /** The photos, voice notes and files the message carries, in order (none for a text). */
  files: ChatFile[];
  sentAt: Date;
}

/**
 * A file in the conversation as the chat lists it. `ref` holds what reads it (the inline bytes, or the
 * remote URL with its digest and keys): it stays on the server, and only name, type and size are shown.
 */
export interface ChatFile {
  name: string;
  /** The type the sender declared (checked against the bytes only when the file is read). */
  mimeType: string;
  /** Bytes, as declared (a remote file's encrypted length); undefined when unknown. */
  size?: number;
  ref: AttachmentRef;
}

const NAME_LIMIT = 200;

/** The files of an attachment message as the chat lists them; empty for any other message. */
export function chatFilesOf(m: DecodedMessage<unknown>): ChatFile[] {
  return attachmentsOf(m).map((ref) => {
    const a = "inline" in ref ? ref.inline : ref.remote;
    const mimeType = "inline" in ref ? ref.inline.mimeType : guessType(ref.remote.filename);
    const size = "inline" in ref ? ref.inline.content.length : (ref.remote.contentLength ?? undefined);
    return {
      name: (a.filename || "file").slice(0, NAME_LIMIT),
      mimeType: mimeType.slice(0, NAME_LIMIT),
      size,
      ref,
    };
  });
}

/** A remote attachment's type before it is read: its name's (the real one is inside the ciphertext). */
function guessType(filename: string | undefined): string {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(filename ?? "")?.[1]?.toLowerCase() ?? "";
  const types: Record<string, string> = {
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    png: "image/png",
    gif: "image/gif",
    webp: "image/webp",
    heic: "image/heic",
    m4a: "audio/mp4",
    mp3: "audio/mpeg",
    ogg: "audio/ogg",
    oga: "audio/ogg",
    opus: "audio/ogg",
    wav: "audio/wav",
    aac: "audio/aac",
    mp4: "video/mp4",
    mov: "video/quicktime",
    pdf: "application/pdf",
  };
  return types[ext] ?? "application/octet-stream";
}

export interface ChatSession {
  conversation: Group<unknown>;
  inboxId: string;
  /** Texts already in the conversation when the session opened, oldest first. */
  history: ChatMessage[];
  send(text: string): Promise<void>;
  /** Sends a file stored encrypted elsewhere (lib/files/store.ts); resolves with its message id. */
  sendFile(attachment: RemoteAttachment): Promise<string>;
  /** Live texts (ours included), in arrival order, until close(). */
  messages(): AsyncIterableIterator<ChatMessage>;
  /** Calls `listener` for every live text; returns an unsubscribe function. */
  onMessage(listener: (m: ChatMessage) => void): () => void;
  displayName(inboxId: string): string;
  close(): Promise<void>;
}

export interface OpenChatSessionOptions {
  inviteUrl: string;
  dataDir: string;
  name: string;
  env: SupportedEnv;
  /** How long to wait for the creator to add us. Default 60 s. */
  joinTimeoutMs?: number;
}

const HISTORY_SCAN = 500;

/** Turns a failed join into one ConvosError whose code says what happened. */
function joinFailure(result: Exclude<JoinResult, { status: "joined" }>): ConvosError {
  switch (result.status) {
    case "expired":
    case "invalid":
      return result.error;
    case "rejected":
      return new ConvosError(
        "rejected",
        `the conversation's owner refused the join (${result.error.errorType})`,
      );
    case "timed_out":
      return new ConvosError("timeout", "nobody added us to the conversation in time; try again later");
  }
}

/** Opens (creating the local identity if needed) a chat session joined through the invite; throws a ConvosError when the join fails. */
export async function openChatSession(o: OpenChatSessionOptions): Promise<ChatSession> {
  // Refuse text that is no invite before touching keys or the network.
  const parsed = parseInvite(o.inviteUrl, { env: o.env });
  if (!parsed.ok) throw parsed.error;
  const client = await openClient(o);
  const group = await joinOrClose(client, o);
  const live = await follow(group, client.inboxId, o.name);
  const closeHooks = new Set<() => void>();
  let closed = false;
  return {
    conversation: group,
    inboxId: client.inboxId,
    history: live.history,
    async send(text: string) {
      await group.sendText(text);
    },
    sendFile: (attachment) => group.sendRemoteAttachment(attachment),
    onMessage: live.onMessage,
    messages() {
      const { iterator, wake } = messageIterator(live.onMessage, () => closed);
      closeHooks.add(wake);
      return iterator;
    },
    displayName: live.nameOf,
    async close() {
      if (closed) return;
      closed = true;
      for (const h of closeHooks) h();
      await live.end();
      await closeXmtpClient(client);
    },
  };
}

/** The chat client's XMTP client, on the identity kept in `dataDir` (created on first use). */
async function openClient(o: OpenChatSessionOptions): Promise<Client<unknown>> {
  const identity = loadOrCreateIdentity(o.dataDir);
  const dbDir = path.join(o.dataDir, XMTP_DB_SUBDIR);
  fs.mkdirSync(dbDir, { recursive: true, mode: 0o700 });
  return (await createXmtpClient({
    signer: eoaSigner(identity.privateKey),
    dbEncryptionKey: identity.dbEncryptionKey,
    dbPath: path.join(dbDir, `${o.env}-chat-${identity.address}.db3`),
    env: o.env,
    codecs: [...convosCodecs],
  })) as unknown as Client<unknown>;
}

/** The conversation the invite leads to; on any failure the client is closed and a ConvosError thrown. */
async function joinOrClose(client: Client<unknown>, o: OpenChatSessionOptions): Promise<Group<unknown>> {
  let result: JoinResult;
  try {
    result = await join(o.inviteUrl, {
      client,
      env: o.env,
      profile: { name: o.name },
      timeoutMs: o.joinTimeoutMs,
    });
  } catch (e) {
    await closeXmtpClient(client);
    throw e instanceof ConvosError
      ? e
      : new ConvosError("timeout", "could not reach the XMTP network to join", { cause: e });
  }
  if (result.status !== "joined") {
    await closeXmtpClient(client);
    throw joinFailure(result);
  }
  return result.group;
}

/**
 * Reads the conversation's history and follows it live: texts go to the listeners with their sender's
 * name, profile messages refresh the names. The stream starts before history is read, so nothing (a late
 * profile snapshot, say) falls between the two; values seen in both are deduplicated.
 */
async function follow(group: Group<unknown>, myInboxId: string, myName: string) {
  const listeners = new Set<(m: ChatMessage) => void>();
  const onMessage = (listener: (m: ChatMessage) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  const early: DecodedMessage<unknown>[] = [];
  let ready = false;
  const ids = new Set<string>();
  const profileMessages: ProfileMessage[] = [];
  let profiles = new Map<string, ResolvedProfile>();
  const nameOf = (inboxId: string) => (inboxId === myInboxId ? myName : displayName(profiles, inboxId));
  const toChat = (m: DecodedMessage<unknown>): ChatMessage => ({
    id: m.id,
    senderInboxId: m.senderInboxId,
    senderName: nameOf(m.senderInboxId),
    fromMe: m.senderInboxId === myInboxId,
    text: typeof m.content === "string" ? m.content : "",
    files: chatFilesOf(m),
    sentAt: m.sentAt,
  });
  const deliver = (m: DecodedMessage<unknown>) => {
    if (ids.has(m.id)) return;
    ids.add(m.id);
    if (isProfileMessage(m)) {
      profileMessages.push(m as ProfileMessage);
      profiles = resolveProfiles(profileMessages, group.appData);
    } else if (shown(m)) {
      const chat = toChat(m);
      for (const l of listeners) l(chat);
    }
  };
  const stream = discardQueue(
    await group.stream({
      retryDelay: 300,
      onValue: (m) => {
        if (!m) return;
        if (ready) deliver(m);
        else early.push(m);
      },
    }),
  );
  await group.sync();
  const seen = (await group.messages({ limit: HISTORY_SCAN })) as DecodedMessage<unknown>[];
  for (const m of seen) {
    ids.add(m.id);
    if (isProfileMessage(m)) profileMessages.push(m as ProfileMessage);
  }
  profiles = resolveProfiles(profileMessages, group.appData);
  const history = seen.filter(shown).map(toChat);
  // Whatever streamed in while history was read belongs to history (nobody listens yet).
  for (const m of early.splice(0)) {
    if (ids.has(m.id)) continue;
    ids.add(m.id);
    if (isProfileMessage(m)) profileMessages.push(m as ProfileMessage);
    else if (shown(m)) history.push(toChat(m));
  }
  profiles = resolveProfiles(profileMessages, group.appData);
  ready = true;
  const end = async () => {
    listeners.clear();
    await stream.end();
  };
  return { history, onMessage, nameOf, end };
}

/** Live texts as an async iterator that ends once `closed()` holds and `wake` is called. */
function messageIterator(
  onMessage: (listener: (m: ChatMessage) => void) => () => void,
  closed: () => boolean,
): { iterator: AsyncIterableIterator<ChatMessage>; wake: () => void } {
  const queue: ChatMessage[] = [];
  let wake: (() => void) | undefined;
  const off = onMessage((m) => {
    queue.push(m);
    wake?.();
  });
  const iterator: AsyncIterableIterator<ChatMessage> = {
    async next() {
      while (queue.length === 0 && !closed()) await new Promise<void>((r) => (wake = r));
      const value = queue.shift();
      if (value) return { value, done: false };
      off();
      return { value: undefined, done: true };
    },
    async return() {
      off();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return { iterator, wake: () => wake?.() };
}

/** What the chat shows: texts and attachment messages. */
const shown = (m: DecodedMessage<unknown>) => typeof m.content === "string" || attachmentsOf(m).length > 0;

function isProfileMessage(m: { contentType?: DecodedMessage["contentType"] | null }): boolean {
  return (
    isContentType(m.contentType, ContentTypeProfileUpdate) ||
    isContentType(m.contentType, ContentTypeProfileSnapshot)
  );
}
