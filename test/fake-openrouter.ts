/**
 * Test helper: a loopback stand-in for OpenRouter's API with the shapes its reference documents. The
 * management key manages keys (POST/GET /keys, GET/PATCH/DELETE /keys/{hash}); a key it made calls
 * POST /chat/completions, each answer costing `costUsd` of the key's usage, and once the usage reaches the
 * key's limit the answer is the documented 402 ({error: {code: 402, message, metadata: {limit_source}}}).
 * `failNext` makes the next requests fail with a status, `outOfCredits` makes every completion a 402 for
 * the account's credits.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export interface FakeKey {
  hash: string;
  name: string;
  key: string;
  limit: number | null;
  usage: number;
  disabled: boolean;
}

export interface FakeOpenRouter {
  baseUrl: string;
  managementKey: string;
  keys: Map<string, FakeKey>;
  /** Every request: method, path and the bearer's kind (never the bearer itself). */
  requests: { method: string; path: string; by: "management" | "key" | "unknown" }[];
  /** What one completion costs (USD). */
  costUsd: number;
  outOfCredits: boolean;
  failNext(status: number, times?: number): void;
  /** Adds a key as if made earlier (another process, a crash before its row was written). */
  addKey(name: string, limit?: number | null): FakeKey;
  close(): Promise<void>;
}

const view = (k: FakeKey) => ({
  hash: k.hash,
  name: k.name,
  label: `${k.key.slice(0, 11)}...${k.key.slice(-3)}`,
  disabled: k.disabled,
  limit: k.limit,
  limit_remaining: k.limit === null ? null : Math.max(0, k.limit - k.usage),
  usage: k.usage,
  created_at: new Date().toISOString(),
  updated_at: null,
});

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

const error = (code: number, message: string, metadata?: Record<string, unknown>) => ({
  error: { code, message, ...(metadata ? { metadata } : {}) },
});

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeOpenRouter(): Promise<FakeOpenRouter> {
  const managementKey = `mgmt-${randomBytes(8).toString("hex")}`;
  const keys = new Map<string, FakeKey>();
  const failures: number[] = [];
  const fake = {
    managementKey,
    keys,
    requests: [] as FakeOpenRouter["requests"],
    costUsd: 0.25,
    outOfCredits: false,
    failNext(status: number, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    addKey(name: string, limit: number | null = 1): FakeKey {
      const k: FakeKey = {
        hash: randomBytes(32).toString("hex"),
        name,
        key: `sk-or-v1-${randomBytes(32).toString("hex")}`,
        limit,
        usage: 0,
        disabled: false,
      };
      keys.set(k.hash, k);
      return k;
    },
  };

  const management = (req: http.IncomingMessage, url: URL, body: Record<string, unknown>) => {
    const path = url.pathname.replace(/^\/api\/v1/, "");
    if (path === "/keys" && req.method === "POST") {
      if (typeof body.name !== "string" || !body.name) return [400, error(400, "name is required")] as const;
      const k = fake.addKey(body.name, typeof body.limit === "number" ? body.limit : null);
      return [201, { data: view(k), key: k.key }] as const;
    }
    if (path === "/keys" && req.method === "GET") {
      const offset = Number(url.searchParams.get("offset") ?? 0);
      return [200, { data: [...keys.values()].slice(offset, offset + 100).map(view) }] as const;
    }
    const m = /^\/keys\/([0-9a-f]+)$/.exec(path);
    const k = m ? keys.get(m[1]) : undefined;
    if (!k) return [404, error(404, "Key not found")] as const;
    if (req.method === "GET") return [200, { data: view(k) }] as const;
    if (req.method === "PATCH") {
      if (typeof body.limit === "number" || body.limit === null) k.limit = body.limit as number | null;
      if (typeof body.disabled === "boolean") k.disabled = body.disabled;
      return [200, { data: view(k) }] as const;
    }
    if (req.method === "DELETE") {
      keys.delete(k.hash);
      return [200, { deleted: true }] as const;
    }
    return [405, error(405, "Method not allowed")] as const;
  };

  const completion = (k: FakeKey, body: Record<string, unknown>) => {
    if (fake.outOfCredits)
      return [402, error(402, "Insufficient credits", { limit_source: "openrouter_credits" })] as const;
    if (k.disabled) return [403, error(403, "Key disabled")] as const;
    if (k.limit !== null && k.usage >= k.limit)
      return [402, error(402, "Key limit exceeded", { limit_source: "openrouter_key_limit" })] as const;
    k.usage = Math.round((k.usage + fake.costUsd) * 1e6) / 1e6;
    const messages = Array.isArray(body.messages)
      ? (body.messages as { role: string; content: string }[])
      : [];
    const last = [...messages].reverse().find((x) => x.role === "user")?.content ?? "";
    return [
      200,
      {
        id: `gen-${randomBytes(6).toString("hex")}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          { index: 0, finish_reason: "stop", message: { role: "assistant", content: `paid: ${last}` } },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10, cost: fake.costUsd },
      },
    ] as const;
  };

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      const own = [...keys.values()].find((k) => k.key === bearer);
      const by = bearer === managementKey ? "management" : own ? "key" : "unknown";
      fake.requests.push({ method: req.method ?? "GET", path: url.pathname, by });
      const failure = failures.shift();
      if (failure !== undefined) return send(res, failure, error(failure, "injected failure"));
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return send(res, 400, error(400, "invalid JSON"));
      }
      if (url.pathname === "/api/v1/chat/completions" && req.method === "POST") {
        if (!own) return send(res, 401, error(401, "No auth credentials found"));
        const [status, answer] = completion(own, body);
        return send(res, status, answer);
      }
      if (by !== "management") return send(res, 401, error(401, "Management key required"));
      const [status, answer] = management(req, url, body);
      send(res, status, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
