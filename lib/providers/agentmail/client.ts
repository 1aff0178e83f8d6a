/**
 * AgentMail's HTTP API (https://docs.agentmail.to/api-reference), the calls we make: inboxes (create under
 * a client_id, so a retried creation returns the same inbox; delete), sending a message, listing messages
 * and threads, reading one message. Every call goes through providerRequest (deadline, retries on
 * 5xx/429/timeouts, errors without the key). Answers are parsed into our own types here, leniently: a
 * field AgentMail adds is ignored, one it drops becomes empty, never a crash.
 */
import { z } from "zod";
import { providerRequest, type ProviderCall } from "@/lib/providers/http";
import type { AgentMailSettings } from "./settings";

type Api = Pick<AgentMailSettings, "apiKey" | "baseUrl">;

const call = <T>(api: Api, o: Omit<ProviderCall, "provider" | "baseUrl" | "apiKey">) =>
  providerRequest<T>({ provider: "agentmail", baseUrl: api.baseUrl, apiKey: api.apiKey, ...o });

const inboxPath = (inboxId: string) => `inboxes/${encodeURIComponent(inboxId)}`;

/** An address list as AgentMail writes it: "a@b.c", ["A <a@b.c>"], or [{name, email}]. */
const people = z
  .union([
    z.string(),
    z.array(z.union([z.string(), z.object({ email: z.string(), name: z.string().nullish() })])),
    z.object({ email: z.string(), name: z.string().nullish() }),
  ])
  .nullish()
  .transform((v): string => {
    const one = (p: string | { email: string; name?: string | null }) =>
      typeof p === "string" ? p : p.name ? `${p.name} <${p.email}>` : p.email;
    if (!v) return "";
    return Array.isArray(v) ? v.map(one).join(", ") : one(v);
  });

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? "");

const inboxSchema = z.object({ inbox_id: z.string().min(1), email: z.string().nullish() });

export interface Inbox {
  inboxId: string;
  /** The inbox's address (AgentMail's inbox id is the address). */
  address: string;
}

/** Creates the inbox `username@domain`, or returns the one made before under `clientId`. */
export async function createInbox(
  api: Api,
  o: { username: string; domain: string; displayName: string; clientId: string },
): Promise<Inbox> {
  const { body } = await call<unknown>(api, {
    method: "POST",
    path: "inboxes",
    body: { username: o.username, domain: o.domain, display_name: o.displayName, client_id: o.clientId },
  });
  const inbox = inboxSchema.parse(body);
  return { inboxId: inbox.inbox_id, address: inbox.email ?? inbox.inbox_id };
}

/** Deletes the inbox; one AgentMail no longer has (404) counts as deleted. */
export async function deleteInbox(api: Api, inboxId: string): Promise<void> {
  try {
    await call(api, { method: "DELETE", path: inboxPath(inboxId) });
  } catch (error) {
    if ((error as { status?: number }).status === 404) return;
    throw error;
  }
}

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  /** The file (an .ics invite, a .csv): text as UTF-8, sent base64-encoded. */
  content: string | Uint8Array;
}

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  attachments?: OutgoingAttachment[];
}

/** Sends a message from the inbox; resolves with AgentMail's message id. */
export async function sendMessage(api: Api, inboxId: string, mail: OutgoingMail): Promise<string> {
  const { body } = await call<unknown>(api, {
    method: "POST",
    path: `${inboxPath(inboxId)}/messages/send`,
    body: {
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.attachments?.length
        ? {
            attachments: mail.attachments.map((a) => ({
              filename: a.filename,
              content_type: a.contentType,
              content: (typeof a.content === "string"
                ? Buffer.from(a.content, "utf8")
                : Buffer.from(a.content)
              ).toString("base64"),
            })),
          }
        : {}),
    },
    // A send is not idempotent: a retry after a timeout could send it twice.
    retries: 0,
  });
  return z.object({ message_id: z.string() }).parse(body).message_id;
}

const messageItem = z.object({
  message_id: z.string(),
  thread_id: text,
  from: people,
  to: people,
  subject: text,
  preview: text,
  timestamp: text,
});

export type MessageItem = z.infer<typeof messageItem>;

/** The inbox's most recent messages (received and sent), newest first. */
export async function listMessages(api: Api, inboxId: string, limit: number): Promise<MessageItem[]> {
  const { body } = await call<unknown>(api, { path: `${inboxPath(inboxId)}/messages?limit=${limit}` });
  return z.object({ messages: z.array(messageItem).default([]) }).parse(body).messages;
}

const threadItem = z.object({
  thread_id: z.string(),
  subject: text,
  senders: z.array(z.string()).nullish(),
  preview: text,
  timestamp: text,
  message_count: z.number().nullish(),
});

export type ThreadItem = z.infer<typeof threadItem>;

/** The inbox's most recent threads, newest first. */
export async function listThreads(api: Api, inboxId: string, limit: number): Promise<ThreadItem[]> {
  const { body } = await call<unknown>(api, { path: `${inboxPath(inboxId)}/threads?limit=${limit}` });
  return z.object({ threads: z.array(threadItem).default([]) }).parse(body).threads;
}

const message = messageItem.extend({
  text,
  extracted_text: text,
  attachments: z
    .array(z.object({ filename: text, content_type: text, size: z.number().nullish() }))
    .nullish(),
});

export type Message = z.infer<typeof message>;

/** One message of the inbox, with its text. */
export async function getMessage(api: Api, inboxId: string, messageId: string): Promise<Message> {
  const { body } = await call<unknown>(api, {
    path: `${inboxPath(inboxId)}/messages/${encodeURIComponent(messageId)}`,
  });
  return message.parse(body);
}
