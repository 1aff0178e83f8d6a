/**
 * Which tier a test file runs in (vitest.config.ts, docs/testing.md), decided by what it imports:
 *
 * - `xmtp`: the file imports a module that reaches the local XMTP node or runs a worker (XMTP_MODULES,
 *   or a value from @xmtp/node-sdk). They share one node and the warm-identity bank, two files at a
 *   time (XMTP_TIER_WORKERS in vitest.config.ts).
 * - `unit`: every other file: pure tests, and tests on their own database cloned from the template.
 *   They run in parallel, one file per core.
 *
 * A new test falls into its tier by itself: one that joins a conversation goes through test/convos.ts or
 * test/worker.ts, and one that starts a node imports workers/xmtp-node/server.ts. Type-only imports do
 * not count (a type reaches nothing).
 */
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Where test files live, from the root. */
export const TEST_DIRS = ["test", "lib", "workers", "scripts", "app"];

/** Modules (from the root, without extension) whose import puts a test file in the xmtp tier. */
export const XMTP_MODULES = [
  "test/convos",
  "test/convos-cli",
  "test/xmtp-clients",
  "test/xmtp-databases",
  "test/worker",
  "test/worker-process",
  "lib/xmtp/index",
  "lib/xmtp/client",
  "workers/xmtp-node/server",
  "workers/xmtp-node/raw-client",
  "workers/agents/main",
  "workers/agents/worker/worker",
];
const XMTP_PACKAGES = ["@xmtp/node-sdk"];

/** Every `from "…"` of a value import (`import type … from` skipped), and bare `import "…"`. */
function valueImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gms))
    if (!m[1]) found.push(m[2]);
  for (const m of source.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) found.push(m[1]);
  return found;
}

/** The module an import names, from the root and without extension (a folder means its index). */
function moduleOf(specifier: string, fromFile: string): string | undefined {
  let target: string;
  if (specifier.startsWith("@/")) target = specifier.slice(2);
  else if (specifier.startsWith("."))
    target = path.relative(ROOT, path.resolve(path.dirname(fromFile), specifier));
  else return undefined;
  target = target.replace(/\.(ts|tsx|js|mjs)$/, "");
  return fs.existsSync(path.join(ROOT, target)) && fs.statSync(path.join(ROOT, target)).isDirectory()
    ? `${target}/index`
    : target;
}

/** True when the test file at `file` (absolute) reaches the XMTP node or runs a worker. */
export function isXmtpTest(file: string): boolean {
  return valueImports(fs.readFileSync(file, "utf8")).some(
    (s) => XMTP_PACKAGES.includes(s) || XMTP_MODULES.includes(moduleOf(s, file) ?? ""),
  );
}

/**
 * True when the test file at `file` (absolute) starts processes of its own (it imports
 * node:child_process: the run command, the web unit, the watchdog). `npm run test:fast` leaves these out:
 * starting a stack costs tens of seconds, and `npm test` runs them.
 */
export function spawnsProcesses(file: string): boolean {
  return valueImports(fs.readFileSync(file, "utf8")).includes("node:child_process");
}

/** Every test file (`*.test.ts`) under TEST_DIRS, from the root. */
export function testFiles(): string[] {
  return TEST_DIRS.flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".test.ts") && !f.includes("node_modules"))
      .map((f) => path.join(dir, f)),
  ).sort();
}

/** The test files of the xmtp tier, from the root. */
export function xmtpTestFiles(): string[] {
  return testFiles().filter((f) => isXmtpTest(path.join(ROOT, f)));
}

/** The test files that start processes of their own, from the root. */
export function spawningTestFiles(): string[] {
  return testFiles().filter((f) => spawnsProcesses(path.join(ROOT, f)));
}
