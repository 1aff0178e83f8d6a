/**
 * A loopback stand-in for the parts of Telnyx's API v2 we call, in the shapes its reference documents:
 * the number search, number orders (a number listed in `taken` answers 422 once, as when someone else
 * ordered it between our search and our order, and so does one no longer available), the messaging-profile assignment and messages (a recipient
 * in `blocked` answers 40300, as after a STOP). It records every request it gets, key included, so a test
 * can check what was sent. Also signs webhook deliveries the way Telnyx does (Ed25519 over `timestamp|body`).
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TelnyxSettings } from "@/lib/providers/telnyx/settings";

export interface TelnyxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: Record<string, unknown> | undefined;
}

export interface FakeTelnyx {
  baseUrl: string;
  requests: TelnyxRequest[];
  /** Numbers the search returns, in order. */
  available: string[];
  /** Numbers whose next order answers 422 (then they are gone from `available`). */
  taken: Set<string>;
  /** Recipients that replied STOP on Telnyx's side: a message to them answers 40300. */
  blocked: Set<string>;
  /** The texts sent: from, to, text. */
  messages: { from: string; to: string; text: string }[];
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

const errors = (status: number, code: string, title: string) => ({
  status,
  json: { errors: [{ code, title, detail: title }] },
});

function answer(fake: FakeTelnyx, r: TelnyxRequest): { status: number; json: unknown } {
  if (r.method === "GET" && r.path === "/v2/available_phone_numbers") {
    const limit = Number(r.query.get("filter[limit]") ?? 10);
    const data = fake.available.slice(0, limit).map((phone_number) => ({
      record_type: "available_phone_number",
      phone_number,
      features: [{ name: "sms" }, { name: "voice" }],
    }));
    return { status: 200, json: { data, metadata: { total_results: data.length } } };
  }
  if (r.method === "POST" && r.path === "/v2/number_orders") {
    const wanted = (r.body?.phone_numbers as { phone_number: string }[])[0].phone_number;
    if (fake.taken.has(wanted) || !fake.available.includes(wanted)) {
      fake.taken.delete(wanted);
      fake.available = fake.available.filter((n) => n !== wanted);
      return errors(422, "85001", "Number not available");
    }
    fake.available = fake.available.filter((n) => n !== wanted);
    const phone = { id: randomUUID(), record_type: "number_order_phone_number", phone_number: wanted };
    return {
      status: 200,
      json: {
        data: {
          id: randomUUID(),
          record_type: "number_order",
          phone_numbers_count: 1,
          messaging_profile_id: r.body?.messaging_profile_id,
          phone_numbers: [{ ...phone, status: "success" }],
          status: "pending",
        },
      },
    };
  }
  const messaging = /^\/v2\/phone_numbers\/([^/]+)\/messaging$/.exec(r.path);
  if (r.method === "PATCH" && messaging) {
    const data = { id: messaging[1], record_type: "messaging_settings", ...r.body };
    return { status: 200, json: { data } };
  }
  if (r.method === "POST" && r.path === "/v2/messages") {
    const { from, to, text } = r.body as { from: string; to: string; text: string };
    if (fake.blocked.has(to)) return errors(403, "40300", "Blocked due to STOP message");
    fake.messages.push({ from, to, text });
    const data = { id: randomUUID(), record_type: "message", direction: "outbound", from, to, text };
    return { status: 200, json: { data } };
  }
  return errors(404, "10005", "Resource not found");
}

/** Starts the fake on a loopback port. */
/** The SMS settings that point at `fake` (the key the tests look for in what it recorded). */
export const telnyxSettingsFor = (fake: Pick<FakeTelnyx, "baseUrl">): TelnyxSettings => ({
  apiKey: "telnyx-test-key",
  messagingProfileId: "profile-1",
  baseUrl: fake.baseUrl,
  sendsPerHour: 20,
});

export async function startFakeTelnyx(available: string[] = []): Promise<FakeTelnyx> {
  const fake: FakeTelnyx = {
    baseUrl: "",
    requests: [],
    available: [...available],
    taken: new Set(),
    blocked: new Set(),
    messages: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const r: TelnyxRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        body: await readJson(req),
      };
      fake.requests.push(r);
      const { status, json } = answer(fake, r);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
  return fake;
}

/** Signs webhook deliveries like Telnyx: an Ed25519 key pair, the public half as the portal shows it. */
export class TelnyxSigner {
  readonly #privateKey: KeyObject;
  /** base64 of the raw 32-byte public key (TELNYX_WEBHOOK_PUBLIC_KEY). */
  readonly publicKey: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    this.#privateKey = privateKey;
    this.publicKey = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64");
  }

  /** The headers of a delivery of `body` signed at `timestamp` (Unix seconds). */
  headers(body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
    const signature = sign(null, Buffer.from(`${timestamp}|${body}`), this.#privateKey).toString("base64");
    return {
      "content-type": "application/json",
      "telnyx-signature-ed25519": signature,
      "telnyx-timestamp": String(timestamp),
    };
  }
}

/** A message.received delivery as Telnyx sends it. */
export function inboundText(from: string, to: string, text: string, id: string = randomUUID()): string {
  return JSON.stringify({
    data: {
      event_type: "message.received",
      id,
      occurred_at: new Date().toISOString(),
      payload: {
        id: randomUUID(),
        record_type: "message",
        direction: "inbound",
        type: "SMS",
        from: { phone_number: from, carrier: "T-Mobile USA", line_type: "Wireless" },
        to: [{ phone_number: to, status: "webhook_delivered" }],
        text,
        media: [],
      },
      record_type: "event",
    },
    meta: { attempt: 1, delivered_to: "https://example.test/api/webhooks/telnyx" },
  });
}
