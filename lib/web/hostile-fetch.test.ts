/**
 * safeFetch against servers and resolvers that misbehave: ports and metadata
 * hosts it must refuse, a resolver that never answers, a gzip body cut at the
 * size cap or stalled mid-way, and a provider that redirects its key to another
 * origin (a loopback server pair).
 */
import { setTimeout as sleep } from "node:timers/promises";
import dgram from "node:dgram";
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveHost } from "./dns";
import { FetchError, safeFetch } from "./safe-fetch";

const seen: { server: "a" | "b"; path: string; headers: http.IncomingHttpHeaders }[] = [];
const ZEROS_GZIPPED = zlib.gzipSync(Buffer.alloc(50_000_000)); // 50 MB of zeros in ~50 KB
let a: http.Server;
let b: http.Server;
let silentDns: dgram.Socket;
let dnsServer: dgram.Socket;
const url = (s: http.Server, path: string) => `http://127.0.0.1:${(s.address() as AddressInfo).port}${path}`;

function serve(name: "a" | "b") {
  return http.createServer((req, res) => {
    seen.push({ server: name, path: req.url ?? "", headers: req.headers });
    switch (req.url) {
      case "/to-b":
        res.writeHead(302, { location: url(b, "/landing") });
        return res.end();
      case "/to-landing":
        res.writeHead(302, { location: "/landing" });
        return res.end();
      case "/landing":
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("landed");
      case "/bomb":
        res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" });
        return res.end(ZEROS_GZIPPED);
      case "/stalled-gzip":
        res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" });
        return void res.write(ZEROS_GZIPPED.subarray(0, 100)); // never ends
      default:
        res.writeHead(404).end();
    }
  });
}

beforeAll(async () => {
  a = serve("a");
  b = serve("b");
  await Promise.all([a, b].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
  silentDns = dgram.createSocket("udp4"); // takes queries, never answers
  dnsServer = dgram.createSocket("udp4");
  dnsServer.on("message", (query, from) => dnsServer.send(answer(query), from.port, from.address));
  await Promise.all([silentDns, dnsServer].map((d) => new Promise<void>((r) => d.bind(0, "127.0.0.1", r))));
});

afterAll(async () => {
  silentDns.close();
  dnsServer.close();
  for (const s of [a, b]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A DNS answer to `query`: every A question is 127.0.0.1; other types have no record. */
function answer(query: Buffer): Buffer {
  let end = 12;
  while (query[end] !== 0) end += query[end] + 1; // the question's name, label by label
  end += 5; // its terminating zero, type and class
  const isA = query.readUInt16BE(end - 4) === 1;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the id
  header.writeUInt16BE(0x8180, 2); // a response, recursion desired and available, no error
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(isA ? 1 : 0, 6);
  // The answer: a pointer to the question's name, A, IN, 60 s, 4 bytes of address.
  const record = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
  return Buffer.concat([header, query.subarray(12, end), ...(isA ? [record] : [])]);
}

const loop = { allowAddress: (ip: string) => ip === "127.0.0.1", allowPort: () => true };
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "fetched",
    (e: unknown) => (e instanceof FetchError ? e.code : `unexpected: ${String(e)}`),
  );
/** Resolves with "hung" when `p` has not settled within `ms` (so a regression fails fast instead of hanging). */
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, sleep(ms, "hung" as const, { ref: false })]);

describe("safeFetch's limits", () => {
  it("refuses ports other than 80 and 443 unless the caller allows that URL's port", async () => {
    for (const u of ["http://example.com:8080/", "https://93.184.216.34:22/", "http://1.1.1.1:6379/"])
      expect([u, await refusal(safeFetch(u))]).toEqual([u, "refused_port"]);
    expect(await refusal(safeFetch(url(a, "/landing"), { allowAddress: loop.allowAddress }))).toBe(
      "refused_port",
    );
    expect((await safeFetch(url(a, "/landing"), loop)).text).toBe("landed");
  });

  it("refuses cloud metadata and host services, by address and by name, without a DNS query", async () => {
    let queried = 0;
    const resolve = async () => {
      queried++;
      return [{ address: "93.184.216.34", family: 4 }];
    };
    for (const u of [
      "http://168.63.129.16/machine?comp=goalstate", // Azure WireServer: a public address
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/latest/meta-data/",
      "http://100.100.100.200/latest/meta-data/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/",
      "http://metadata/computeMetadata/v1/",
      "http://metadata.goog/",
      "http://instance-data/latest/",
      "http://kubernetes.default.svc.cluster.local/",
    ])
      expect([u, await refusal(within(safeFetch(u, { resolve, timeoutMs: 2_000 }), 3_000))]).toEqual([
        u,
        "refused_address",
      ]);
    expect(queried).toBe(0);
  });

  it("counts name resolution inside the time limit: a resolver that never answers fails the fetch", async () => {
    const started = Date.now();
    const never = () => new Promise<never>(() => {});
    expect(
      await within(refusal(safeFetch("http://slow-dns.example/", { resolve: never, timeoutMs: 300 })), 3_000),
    ).toBe("network");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("resolves through c-ares (a loopback DNS server answers), and a silent server can't hold it past the abort", async () => {
    const server = `127.0.0.1:${silentDns.address().port}`;
    const started = Date.now();
    const outcome = await within(
      resolveHost("example.com", { servers: [server], signal: AbortSignal.timeout(300) }).then(
        () => "resolved",
        (e: Error) => e.name,
      ),
      3_000,
    );
    expect(outcome).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(2_000);
    const answering = [`127.0.0.1:${dnsServer.address().port}`];
    expect(await resolveHost("page.example", { servers: answering })).toEqual([
      { address: "127.0.0.1", family: 4 },
    ]);
    expect(await resolveHost("localhost")).toEqual([
      { address: "127.0.0.1", family: 4 },
      { address: "::1", family: 6 },
    ]);
  });

  it("destroys the decompressor when the body is cut at the cap, and when the fetch fails mid-body", async () => {
    const made: zlib.Gunzip[] = [];
    const original = zlib.createGunzip;
    const spy = vi.spyOn(zlib, "createGunzip").mockImplementation((options) => {
      const g = original(options);
      made.push(g);
      return g;
    });
    try {
      const page = await safeFetch(url(a, "/bomb"), loop);
      expect([page.text.length, page.truncated]).toEqual([1_000_000, true]);
      expect(made.at(-1)?.destroyed).toBe(true);
      expect(await refusal(safeFetch(url(a, "/stalled-gzip"), { ...loop, timeoutMs: 300 }))).toBe("network");
      expect(made.at(-1)?.destroyed).toBe(true);
      expect(made).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }
  });

  it("keeps the caller's headers on the same origin and drops them on a redirect to another", async () => {
    const headers = { "x-subscription-token": "search-key", authorization: "Bearer search-key" };
    expect((await safeFetch(url(a, "/to-landing"), { ...loop, headers })).text).toBe("landed");
    expect(seen.at(-1)).toMatchObject({ server: "a", path: "/landing" });
    expect(seen.at(-1)?.headers["x-subscription-token"]).toBe("search-key");

    expect((await safeFetch(url(a, "/to-b"), { ...loop, headers })).text).toBe("landed");
    expect(seen.at(-2)).toMatchObject({ server: "a", path: "/to-b" });
    expect(seen.at(-2)?.headers["x-subscription-token"]).toBe("search-key");
    expect(seen.at(-1)).toMatchObject({ server: "b", path: "/landing" });
    expect(seen.at(-1)?.headers["x-subscription-token"]).toBeUndefined();
    expect(seen.at(-1)?.headers.authorization).toBeUndefined();
  });
});
