import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError, providerRequest, retryAfterMs } from "./http";

/** A loopback API that answers each request from a queue of replies (then 200 {}), recording what it got. */
let server: http.Server;
let baseUrl: string;
let replies: { status: number; body?: string; headers?: Record<string, string>; hang?: true }[] = [];
const seen: { method: string; url: string; auth?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const reply = replies.shift() ?? { status: 200, body: "{}" };
      if (reply.hang) return;
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const call = (extra: Partial<Parameters<typeof providerRequest>[0]> = {}) =>
  providerRequest({ provider: "fake", baseUrl, apiKey: "sk-secret", path: "/keys", ...extra });

describe("providerRequest", () => {
  it("sends the key as a bearer and the body as JSON, under the base URL's path", async () => {
    seen.length = 0;
    replies = [{ status: 201, body: '{"key":"k1"}' }];
    const res = await call({ method: "POST", body: { name: "a" } });
    expect(res).toEqual({ status: 201, body: { key: "k1" } });
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: "/api/v1/keys",
      auth: "Bearer sk-secret",
      body: '{"name":"a"}',
    });
  });

  it("retries a 5xx and a 429 with Retry-After, then answers", async () => {
    seen.length = 0;
    replies = [
      { status: 503 },
      { status: 429, headers: { "retry-after": "0" } },
      { status: 200, body: '{"ok":1}' },
    ];
    expect((await call()).body).toEqual({ ok: 1 });
    expect(seen).toHaveLength(3);
  });

  it("gives up after its retries with the last status, never showing the key", async () => {
    seen.length = 0;
    replies = [{ status: 500 }, { status: 502 }, { status: 504, body: "gateway" }];
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(504);
    expect(String(error)).not.toContain("sk-secret");
    expect(seen).toHaveLength(3);
  });

  it("answers a 4xx at once, with the provider's JSON error body", async () => {
    seen.length = 0;
    replies = [{ status: 402, body: '{"error":{"code":402,"message":"limit"}}' }];
    const error = (await call().catch((e: unknown) => e)) as ProviderError;
    expect(error.status).toBe(402);
    expect(error.body).toEqual({ error: { code: 402, message: "limit" } });
    expect(seen).toHaveLength(1);
  });

  it("times a hanging attempt out and retries it", async () => {
    seen.length = 0;
    replies = [
      { status: 0, hang: true },
      { status: 200, body: '{"late":false}' },
    ];
    expect((await call({ timeoutMs: 200 })).body).toEqual({ late: false });
    expect(seen).toHaveLength(2);
  });

  it("does not wait for a Retry-After beyond reason", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("3600")).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
