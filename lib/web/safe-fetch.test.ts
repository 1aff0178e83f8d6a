/**
 * fetch_url's guard against hostile URLs, web_search through its providers'
 * APIs, and readable text, all against small loopback servers. Loopback is
 * reached only through an explicit allowance (as SEARCH_ALLOW_LOOPBACK does for
 * the search provider), so each test shows what the guard refuses without one.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolInfoFor } from "@/lib/agents/tools/info";
import { NO_SEARCH, webSearchTool } from "@/lib/agents/tools/web";
import { isPublicAddress } from "./addresses";
import { readableText } from "./readable";
import { FetchError, safeFetch, type Resolved } from "./safe-fetch";
import { webSearch } from "./search";

const ARTICLE = `<html><head><title>Tides</title><script>alert(1)</script></head><body>
<nav>Home | About | Login</nav><article><h1>Why tides happen</h1>
${"<p>The moon's gravity pulls the oceans, and the earth turns beneath the bulge. </p>".repeat(12)}
</article><footer>© nobody</footer></body></html>`;

const seen: { path: string; host?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      seen.push({ path: url.pathname, host: req.headers.host, headers: req.headers, body });
      const json = (v: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(v));
      };
      switch (url.pathname) {
        case "/article":
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(ARTICLE);
        case "/to-metadata":
          res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
          return res.end();
        case "/to-ipv6-loopback":
          res.writeHead(301, { location: `http://[::1]:${port}/article` });
          return res.end();
        case "/to-article":
          res.writeHead(302, { location: "/article" });
          return res.end();
        case "/loop":
          res.writeHead(302, { location: "/loop" });
          return res.end();
        case "/image":
          res.writeHead(200, { "content-type": "image/png" });
          return res.end(Buffer.alloc(100));
        case "/huge":
          res.writeHead(200, { "content-type": "text/plain" });
          return res.end("a".repeat(3_000_000));
        case "/slow":
          res.writeHead(200, { "content-type": "text/plain" });
          res.write("start");
          return void setTimeout(() => res.end("end"), 5_000).unref();
        case "/res/v1/web/search": // Brave
          return json({
            web: {
              results: [
                {
                  title: `Brave: ${url.searchParams.get("q")}`,
                  url: "https://a.example/",
                  description: "first",
                },
                { title: "not a web URL", url: "javascript:alert(1)", description: "dropped" },
              ],
            },
          });
        case "/search":
          if (req.method === "POST")
            return json({
              results: [{ title: "Tavily", url: "https://t.example/", content: JSON.parse(body).query }],
            });
          return json({
            results: [
              { title: "SearXNG", url: "https://s.example/", content: url.searchParams.get("format") },
            ],
          });
        default:
          res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const only127 = (ip: string) => ip === "127.0.0.1";
// The loopback servers listen on ports other than 80 and 443, which only this allowance opens.
const anyPort = () => true;
const loop = { allowAddress: only127, allowPort: anyPort };
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "fetched",
    (e: unknown) => (e instanceof FetchError ? e.code : `unexpected: ${String(e)}`),
  );

describe("fetch_url's guard", () => {
  it("refuses loopback, metadata, private, CGNAT, unique-local and IPv4-mapped addresses, and non-http schemes", async () => {
    for (const url of [
      `http://127.0.0.1:${port}/article`,
      `http://[::1]:${port}/article`,
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/",
      `http://[::ffff:127.0.0.1]:${port}/article`,
      "http://[::ffff:a9fe:a9fe]/", // 169.254.169.254, IPv4-mapped in hex
      "http://10.1.2.3/",
      "http://192.168.1.1/",
      "http://100.100.100.200/", // CGNAT (a cloud's metadata service)
      "http://0.0.0.0/",
      "http://2130706433/", // 127.0.0.1 as one number
    ])
      expect([url, await refusal(safeFetch(url, { allowPort: anyPort }))]).toEqual([url, "refused_address"]);
    for (const url of [
      "file:///etc/passwd",
      "ftp://example.com/",
      "gopher://x/",
      "http://user:pw@example.com/",
      "not a url",
    ])
      expect([url, await refusal(safeFetch(url))]).toEqual([url, "bad_url"]);
    expect(isPublicAddress("93.184.216.34")).toBe(true);
    expect(isPublicAddress("2606:4700::1111")).toBe(true);
  });

  it("refuses a DNS name that resolves to a private address, even when only one of its addresses is", async () => {
    expect(await refusal(safeFetch(`http://localhost:${port}/article`, { allowPort: anyPort }))).toBe(
      "refused_address",
    );
    const resolve = async (): Promise<Resolved[]> => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ];
    expect(await refusal(safeFetch("http://mixed.example/", { resolve }))).toBe("refused_address");
  });

  it("checks every redirect: one to the metadata address or to IPv6 loopback is refused", async () => {
    const ok = await safeFetch(`http://127.0.0.1:${port}/to-article`, loop);
    expect(ok.url).toBe(`http://127.0.0.1:${port}/article`);
    expect(await refusal(safeFetch(`http://127.0.0.1:${port}/to-metadata`, loop))).toBe("refused_address");
    expect(await refusal(safeFetch(`http://127.0.0.1:${port}/to-ipv6-loopback`, loop))).toBe(
      "refused_address",
    );
    expect(await refusal(safeFetch(`http://127.0.0.1:${port}/loop`, loop))).toBe("too_many_redirects");
  });

  it("connects to the address it checked, not to a second DNS answer (rebinding)", async () => {
    const answers = ["127.0.0.1", "10.9.9.9"];
    let lookups = 0;
    const resolve = async (): Promise<Resolved[]> => [
      { address: answers[Math.min(lookups++, 1)], family: 4 },
    ];
    const page = await safeFetch(`http://rebind.example:${port}/article`, { resolve, ...loop });
    expect(page.status).toBe(200);
    expect(lookups).toBe(1);
    expect(seen.at(-1)?.host).toBe(`rebind.example:${port}`);
  });

  it("reads HTML, text and JSON only, at most 1 MB, within the time limit", async () => {
    const opts = loop;
    expect(await refusal(safeFetch(`http://127.0.0.1:${port}/image`, opts))).toBe("bad_type");
    const huge = await safeFetch(`http://127.0.0.1:${port}/huge`, opts);
    expect([huge.text.length, huge.truncated]).toEqual([1_000_000, true]);
    const started = Date.now();
    expect(await refusal(safeFetch(`http://127.0.0.1:${port}/slow`, { ...opts, timeoutMs: 500 }))).toBe(
      "network",
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("gives the article's readable text without navigation or scripts", async () => {
    const page = await safeFetch(`http://127.0.0.1:${port}/article`, loop);
    const { title, text } = await readableText(page);
    expect(title).toBe("Tides");
    expect(text).toContain("The moon's gravity pulls the oceans");
    expect(text).not.toMatch(/alert|Login/);
  });
});

describe("web_search", () => {
  const base = () => `http://127.0.0.1:${port}`;

  it("asks Brave, Tavily and SearXNG in their own API shapes and keeps only web results", async () => {
    const brave = await webSearch(
      { provider: "brave", apiKey: "k1", baseUrl: base(), allowLoopback: true },
      "tides",
    );
    expect(brave).toEqual([{ title: "Brave: tides", url: "https://a.example/", snippet: "first" }]);
    expect(seen.at(-1)?.headers["x-subscription-token"]).toBe("k1");
    const tavily = await webSearch(
      { provider: "tavily", apiKey: "k2", baseUrl: base(), allowLoopback: true },
      "moon",
    );
    expect(tavily).toEqual([{ title: "Tavily", url: "https://t.example/", snippet: "moon" }]);
    expect(seen.at(-1)?.headers.authorization).toBe("Bearer k2");
    const searx = await webSearch({ provider: "searxng", baseUrl: base(), allowLoopback: true }, "sun");
    expect(searx).toEqual([{ title: "SearXNG", url: "https://s.example/", snippet: "json" }]);
  });

  it("reaches a loopback provider only with the test allowance", async () => {
    await expect(webSearch({ provider: "searxng", baseUrl: base() }, "sun")).rejects.toThrow(
      /private or reserved/,
    );
  });

  it("without a provider the tool is not offered and its line says so", () => {
    expect(webSearchTool.unavailable?.({})).toBe(NO_SEARCH);
    expect(toolInfoFor(["web_search", "fetch_url"]).map((t) => t.unavailable)).toEqual([
      NO_SEARCH,
      undefined,
    ]);
  });
});
