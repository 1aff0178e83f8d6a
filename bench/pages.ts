/**
 * `npx tsx bench/pages.ts [capSeconds=30] [before=53330ed]`: worst-case times
 * of readableText (lib/web/readable.ts) on hostile pages, before and after.
 *
 * "before" is readable.ts as of the commit `before` (the version that shipped
 * fetch_url), taken from git. Each page is read in a child process of its own,
 * killed after `capSeconds` (the old whitespace tidy was quadratic: ~10 min on
 * 1 MB of "\r"). Printed per page: its size, the old time, the new time, and
 * the longest stretch the new code blocked its caller's thread (HTML is parsed
 * in a worker thread, so a hostile page costs the deadline's wall time, not
 * the thread's); then what a parsing thread costs to start and to reuse.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const PAGES: Record<string, { contentType: string; text: () => string }> = {
  'text: "\\r" x 1M': { contentType: "text/plain", text: () => `a${"\r".repeat(1_000_000)}a` },
  'text: "\\n" x 1M': { contentType: "text/plain", text: () => `a${"\n".repeat(1_000_000)}a` },
  'text: " " x 1M': { contentType: "text/plain", text: () => `a${" ".repeat(1_000_000)}a` },
  'text: "\\r \\n" x 333k': { contentType: "text/plain", text: () => `a${"\r \n".repeat(333_000)}a` },
  'text: "a\\r" x 500k': { contentType: "text/plain", text: () => "a\r".repeat(500_000) },
  "json: 1,000 deep, 102 KB": {
    contentType: "application/json",
    text: () => `${"[".repeat(1_000)}${"1,".repeat(50_000)}1${"]".repeat(1_000)}`,
  },
  "json: 300 deep, 1 MB": {
    contentType: "application/json",
    text: () => `${"[".repeat(300)}${"1,".repeat(500_000)}1${"]".repeat(300)}`,
  },
  "json: 500k deep, 1 MB": {
    contentType: "application/json",
    text: () => `${"[".repeat(500_000)}${"]".repeat(500_000)}`,
  },
  "json: 60k keys wide, 1 MB": {
    contentType: "application/json",
    text: () => `{${Array.from({ length: 60_000 }, (_, i) => `"k${i}":[{},[]]`).join(",")}}`,
  },
  "html: 1,000 nested <div>, 7 KB": {
    contentType: "text/html",
    text: () => `<html><body>${"<div>a ".repeat(1_000)}</body></html>`,
  },
  "html: 200k nested <div>, 1 MB": {
    contentType: "text/html",
    text: () => `<html><body>${"<div>".repeat(200_000)}x</body></html>`,
  },
  "html: 125k sibling <p>, 1 MB": {
    contentType: "text/html",
    text: () => `<html><body>${"<p>a</p>".repeat(125_000)}</body></html>`,
  },
};

const ARTICLE = `<html><head><title>Tides</title></head><body><nav>Home</nav><article>${"<p>The moon's gravity pulls the oceans, and the earth turns beneath the bulge.</p>".repeat(200)}</article></body></html>`;

interface Measured {
  ms: number;
  blockedMs: number;
  chars: number;
  error?: string;
}

/** Child mode: reads one page with the module at `modulePath`, prints one JSON line. */
async function child(modulePath: string, page: string) {
  const { readableText } = (await import(modulePath)) as typeof import("@/lib/web/readable");
  const { contentType, text } = PAGES[page];
  const input = { contentType, text: text(), truncated: false };
  let last = performance.now();
  let blockedMs = 0;
  const ticker = setInterval(() => {
    blockedMs = Math.max(blockedMs, performance.now() - last);
    last = performance.now();
  }, 5);
  const started = performance.now();
  last = started;
  let out: Measured;
  try {
    const r = await readableText(input);
    const ms = performance.now() - started;
    out = { ms, blockedMs: Math.max(blockedMs, performance.now() - last), chars: r.text.length };
  } catch (e) {
    const ms = performance.now() - started;
    out = { ms, blockedMs: Math.max(blockedMs, performance.now() - last), chars: 0, error: String(e) };
  }
  clearInterval(ticker);
  console.log(JSON.stringify(out));
  process.exit(0);
}

function measure(modulePath: string, page: string, capMs: number): Promise<Measured | "killed"> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      ["--import", "tsx", import.meta.filename, "--child", modulePath, page],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    p.stdout.on("data", (c) => (out += c));
    const timer = setTimeout(() => p.kill("SIGKILL"), capMs);
    p.on("exit", () => {
      clearTimeout(timer);
      const line = out.trim().split("\n").at(-1);
      resolve(line?.startsWith("{") ? (JSON.parse(line) as Measured) : "killed");
    });
  });
}

/** What a parsing thread costs: the first HTML page (thread start) and the next ones (reused). */
async function threadCost() {
  const { readableText } = await import("@/lib/web/readable");
  const page = { contentType: "text/html", text: ARTICLE, truncated: false };
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    await readableText(page);
    times.push(performance.now() - started);
  }
  return times;
}

async function main() {
  const capMs = Number(process.argv[2] ?? 30) * 1000;
  const before = process.argv[3] ?? "53330ed";
  // The old module lives under node_modules so that its imports (linkedom, Readability) resolve.
  const dir = path.resolve("node_modules/.cache/bench-pages");
  mkdirSync(dir, { recursive: true });
  const oldModule = path.join(dir, `readable-${before}.ts`);
  writeFileSync(oldModule, execFileSync("git", ["show", `${before}:lib/web/readable.ts`]));
  const newModule = path.resolve("lib/web/readable.ts");

  const fmt = (m: Measured | "killed") =>
    m === "killed" ? `> ${capMs / 1000} s (killed)` : m.error ? `${ms(m.ms)} (error)` : ms(m.ms);
  const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
  console.log(`readableText on hostile pages; before = ${before}, cap ${capMs / 1000} s per page\n`);
  console.log(
    `${"page".padEnd(32)}${"size".padStart(9)}  ${"before".padEnd(20)}${"after".padEnd(18)}${"after: thread blocked".padEnd(23)}chars out`,
  );
  for (const page of Object.keys(PAGES)) {
    const size = PAGES[page].text().length;
    const old = await measure(oldModule, page, capMs);
    const now = await measure(newModule, page, capMs);
    const blocked = now === "killed" ? "-" : ms(now.blockedMs);
    const chars = now === "killed" ? "-" : now.error ? now.error.slice(0, 60) : String(now.chars);
    console.log(
      `${page.padEnd(32)}${`${(size / 1000).toFixed(0)} KB`.padStart(9)}  ${fmt(old).padEnd(20)}${fmt(now).padEnd(18)}${blocked.padEnd(23)}${chars}`,
    );
  }
  const times = await threadCost();
  console.log(
    `\nan ordinary article (${(ARTICLE.length / 1000).toFixed(0)} KB): first call (starts a thread) ${ms(times[0])}, next calls (thread reused) ${times.slice(1).map(ms).join(", ")}`,
  );
  process.exit(0);
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4]);
else await main();
