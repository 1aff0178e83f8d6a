/**
 * `npm test`: the whole suite, in order: typecheck, lint, formatting, unit and integration
 * tests (vitest, on the embedded PostgreSQL and the local XMTP node), the
 * production build, and the end-to-end tests (Playwright in Chromium). It ends
 * with one plain line, `N passed, N failed`, counting every test case plus
 * each of the typecheck, lint, format and build steps as one check.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

type Tally = { passed: number; failed: number };
const total: Tally = { passed: 0, failed: 0 };
/** Every failure by name, repeated at the very end: CI may show only the tail of a long run. */
const failures: string[] = [];
const firstLine = (text = "") =>
  text
    .replace(/\x1b\[[0-9;]*m/g, "")
    .trim()
    .split("\n")[0]
    .slice(0, 300);
const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "convos-test-"));

function exec(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  console.log(`\n▶ ${cmd} ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function step(name: string, cmd: string, args: string[]): Promise<boolean> {
  const ok = (await exec(cmd, args)) === 0;
  if (ok) total.passed++;
  else {
    total.failed++;
    failures.push(name);
  }
  console.log(`${ok ? "✔" : "✘"} ${name}`);
  return ok;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

async function vitest() {
  const out = path.join(reportDir, "vitest.json");
  const code = await exec("npx", [
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile=${out}`,
  ]);
  const report = readJson<{
    numPassedTests: number;
    numFailedTests: number;
    testResults: {
      name: string;
      message?: string;
      assertionResults: { status: string; fullName: string; failureMessages: string[] }[];
    }[];
  }>(out);
  if (!report) {
    total.failed++;
    console.log("✘ vitest produced no report");
    return;
  }
  total.passed += report.numPassedTests;
  total.failed += report.numFailedTests;
  for (const file of report.testResults) {
    const where = path.relative(process.cwd(), file.name);
    if (file.message) failures.push(`${where}: ${firstLine(file.message)}`);
    for (const t of file.assertionResults)
      if (t.status === "failed")
        failures.push(`${where} > ${t.fullName}: ${firstLine(t.failureMessages[0])}`);
  }
  // A failure outside any test (a crashed file, a setup error) still fails the run.
  if (code !== 0 && report.numFailedTests === 0) total.failed++;
}

interface PlaywrightSuite {
  title: string;
  suites?: PlaywrightSuite[];
  specs?: {
    title: string;
    file: string;
    tests: { status: string; results: { error?: { message?: string } }[] }[];
  }[];
}
interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number };
  suites?: PlaywrightSuite[];
}

function collectPlaywrightFailures(suites: PlaywrightSuite[]) {
  for (const suite of suites) {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests)
        if (t.status === "unexpected" || t.status === "flaky")
          failures.push(`e2e ${spec.file} > ${spec.title}: ${firstLine(t.results.at(-1)?.error?.message)}`);
    collectPlaywrightFailures(suite.suites ?? []);
  }
}

async function playwright() {
  const out = path.join(reportDir, "playwright.json");
  const code = await exec("npx", ["playwright", "test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
  const report = readJson<PlaywrightReport>(out);
  if (!report) {
    total.failed++;
    console.log("✘ playwright produced no report");
    return;
  }
  total.passed += report.stats.expected;
  total.failed += report.stats.unexpected + report.stats.flaky;
  collectPlaywrightFailures(report.suites ?? []);
  if (code !== 0 && report.stats.unexpected === 0) total.failed++;
}

await step("typecheck", "npx", ["tsc", "--noEmit"]);
await step("lint", "npx", ["eslint", ".", "--max-warnings=0"]);
await step("format", "npx", ["prettier", "--check", "."]);
await vitest();
if (await step("build", "npx", ["next", "build"])) await playwright();

fs.rmSync(reportDir, { recursive: true, force: true });
if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
console.log(`\n${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed === 0 ? 0 : 1);
