/**
 * Test helper: a loopback stand-in for AgentMail's API (https://docs.agentmail.to/api-reference), the
 * parts we call, with their documented shapes: inboxes (create under a client_id, which returns the
 * inbox made before for the same client_id; delete), send, list messages and threads, read one. It
 * records every request, can fail the next ones (`failNext`), and can receive a mail (`receive`), which
 * also gives the `message.received` event AgentMail would post to our webhook, signed Svix-style
 * (`signedDelivery`).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { svixSignature } from "@/lib/providers/agentmail/svix";

export interface FakeMessage {
  inbox_id: string;
  thread_id: string;
  message_id: string;
  labels: string[];
  timestamp: string;
  from: string;
  to: string[];
  subject: string;
  preview: string;
  text: string;
  attachments?: { filename?: string; content_type?: string; content: string }[];
}

export interface FakeRequest {
  method: string;
  path: string;
  body: unknown;
  authorized: boolean;
}

export interface FakeAgentMail {
  /** The base URL, "/v0" included (AGENTMAIL_BASE_URL). */
  baseUrl: string;
  apiKey: string;
  requests: FakeRequest[];
  /** Live inboxes by id, with the client_id each was made under. */
  inboxes: Map<string, { clientId?: string; displayName?: string }>;
  /** Every message, sent and received, oldest first. */
  messages: FakeMessage[];
  /** The messages sent through the API. */
  sent(): FakeMessage[];
  /** The next `count` requests answer `status`. */
  failNext(status: number, count?: number): void;
  /** A mail arriving in `inboxId`; returns the message.received event AgentMail posts. */
  receive(inboxId: string, mail: { from: string; subject: string; text: string }): unknown;
  close(): Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body === undefined ? "" : JSON.stringify(body));
};

/** A Svix-signed delivery of `event` as AgentMail's webhook would post it. */
export function signedDelivery(
  secret: string,
  event: unknown,
  o: { id?: string; timestamp?: number } = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  const id = o.id ?? `msg_${randomUUID()}`;
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    body,
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": timestamp,
      "svix-signature": svixSignature(secret, id, timestamp, body),
    },
  };
}

export async function startFakeAgentMail(apiKey = "am_test_key"): Promise<FakeAgentMail> {
  const requests: FakeRequest[] = [];
  const inboxes = new Map<string, { clientId?: string; displayName?: string }>();
  const messages: FakeMessage[] = [];
  const failures: number[] = [];
  let sequence = 0;

  const handle = (req: FakeRequest, res: http.ServerResponse) => {
    const failure = failures.shift();
    if (failure) return json(res, failure, { name: "ServerError", message: "injected failure" });
    if (!req.authorized) return json(res, 401, { name: "Unauthorized", message: "bad key" });
    const url = new URL(req.path, "http://fake");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent); // v0, inboxes, …
    if (parts[0] !== "v0" || parts[1] !== "inboxes") return json(res, 404, { name: "NotFound" });
    const limit = Number(url.searchParams.get("limit") ?? 10);
    if (parts.length === 2 && req.method === "POST") {
      const b = req.body as { username: string; domain: string; display_name?: string; client_id?: string };
      for (const [id, inbox] of inboxes)
        if (b.client_id && inbox.clientId === b.client_id)
          return json(res, 200, { inbox_id: id, display_name: inbox.displayName, client_id: b.client_id });
      const id = `${b.username}@${b.domain}`;
      if (inboxes.has(id)) return json(res, 409, { name: "AlreadyExists" });
      inboxes.set(id, { clientId: b.client_id, displayName: b.display_name });
      return json(res, 200, { inbox_id: id, display_name: b.display_name, client_id: b.client_id });
    }
    const inboxId = parts[2];
    if (!inboxes.has(inboxId)) return json(res, 404, { name: "NotFound", message: "inbox" });
    const mine = messages.filter((m) => m.inbox_id === inboxId).reverse();
    if (parts.length === 3 && req.method === "DELETE") {
      inboxes.delete(inboxId);
      return json(res, 200, undefined);
    }
    if (parts[3] === "messages" && parts[4] === "send" && req.method === "POST") {
      const b = req.body as {
        to: string[];
        subject: string;
        text: string;
        attachments?: FakeMessage["attachments"];
      };
      const m = message(inboxId, inboxId, b.to, b.subject, b.text, ["sent"]);
      m.attachments = b.attachments;
      messages.push(m);
      return json(res, 200, { message_id: m.message_id, thread_id: m.thread_id });
    }
    if (parts[3] === "messages" && parts.length === 4)
      return json(res, 200, {
        count: mine.length,
        messages: mine.slice(0, limit).map(({ text: _t, ...m }) => m),
      });
    if (parts[3] === "messages" && parts.length === 5) {
      const m = mine.find((x) => x.message_id === parts[4]);
      return m ? json(res, 200, m) : json(res, 404, { name: "NotFound", message: "message" });
    }
    if (parts[3] === "threads" && parts.length === 4) {
      const threads = mine.slice(0, limit).map((m) => ({
        thread_id: m.thread_id,
        subject: m.subject,
        senders: [m.from],
        preview: m.preview,
        timestamp: m.timestamp,
        message_count: 1,
      }));
      return json(res, 200, { count: threads.length, threads });
    }
    return json(res, 404, { name: "NotFound" });
  };

  const message = (
    inboxId: string,
    from: string,
    to: string[],
    subject: string,
    text: string,
    labels: string[],
  ): FakeMessage => {
    sequence += 1;
    return {
      inbox_id: inboxId,
      thread_id: `thd_${sequence}`,
      message_id: `<msg${sequence}@fake.agentmail>`,
      labels,
      timestamp: new Date().toISOString(),
      from,
      to,
      subject,
      preview: text.slice(0, 80),
      text,
    };
  };

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return json(res, 400, { name: "ValidationError" });
      }
      const recorded = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        body,
        authorized: req.headers.authorization === `Bearer ${apiKey}`,
      };
      requests.push(recorded);
      handle(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v0`,
    apiKey,
    requests,
    inboxes,
    messages,
    sent: () => messages.filter((m) => m.labels.includes("sent")),
    failNext: (status, count = 1) => void failures.push(...Array<number>(count).fill(status)),
    receive(inboxId, mail) {
      const m = message(inboxId, mail.from, [inboxId], mail.subject, mail.text, ["received"]);
      messages.push(m);
      return {
        type: "event",
        event_type: "message.received",
        event_id: `evt_${m.message_id}`,
        message: m,
        thread: { thread_id: m.thread_id, inbox_id: inboxId, message_count: 1 },
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
