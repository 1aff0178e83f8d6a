/**
 * `npm test`: the whole suite: typecheck, lint, formatting, the unit and xmtp
 * tiers of vitest (docs/testing.md), the production build, and the end-to-end
 * tests (Playwright in Chromium). It ends with one plain line, `N passed, N
 * failed`, counting every test case plus each of the typecheck, lint, format
 * and build steps as one check, after the list of what failed.
 *
 * Three lanes run side by side, because the two cores are best filled by
 * everything at once: the xmtp tier waits on leases, timers and the local node
 * far more than it computes; the unit tier computes; and typecheck, lint and
 * format (together), then the build, then the end-to-end tests (Playwright in
 * Chromium) need the build before the browser. The e2e stack starts its own
 * XMTP node on another port (e2e/env.ts), so it never meets the xmtp tier's.
 * Not under `nice`: on a machine shared with others it yielded to everyone
 * else too (lint took 444 s instead of 115 s beside other engineers' runs).
 *
 * Steps that run together write to a log each; a step's log is printed when
 * it ends (in full when it failed), so the output never interleaves.
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
const started = performance.now();
const clock = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;

interface Run {
  code: number;
  seconds: number;
}

/**
 * Runs a command; its output goes to a log that is printed when it ends (the whole log when it failed or
 * `full` is set, else its last `tail` lines).
 */
function exec(
  name: string,
  cmd: string,
  args: string[],
  o: { env?: Record<string, string>; full?: boolean; tail?: number } = {},
): Promise<Run> {
  const log = path.join(reportDir, `${name.replace(/\W+/g, "-")}.log`);
  const out = fs.openSync(log, "w");
  console.log(`${clock()} ▶ ${name}: ${cmd} ${args.join(" ")}`);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ["ignore", out, out],
      // No FORCE_COLOR: it reaches the tests' own children, and a colored console.log(port) is no number.
      env: { ...process.env, ...o.env },
    });
    child.on("exit", (code, signal) => {
      fs.closeSync(out);
      const run = { code: code ?? (signal ? 1 : 0), seconds: (performance.now() - t0) / 1000 };
      const text = fs.readFileSync(log, "utf8").trimEnd();
      const shown =
        run.code !== 0 || o.full
          ? text
          : text
              .split("\n")
              .slice(-(o.tail ?? 0))
              .join("\n");
      console.log(`\n── ${name} ${"─".repeat(Math.max(0, 70 - name.length))}`);
      if (shown) console.log(shown);
      console.log(`${clock()} ${run.code === 0 ? "✔" : "✘"} ${name} (${run.seconds.toFixed(0)} s)`);
      resolve(run);
    });
  });
}

/** A step that counts as one check. */
async function step(name: string, cmd: string, args: string[]): Promise<boolean> {
  const ok = (await exec(name, cmd, args)).code === 0;
  if (ok) total.passed++;
  else {
    total.failed++;
    failures.push(name);
  }
  return ok;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** One vitest tier (a project of vitest.config.ts); each of its test cases counts as a check. */
async function vitest(tier: "unit" | "xmtp") {
  const out = path.join(reportDir, `vitest-${tier}.json`);
  const { code } = await exec(
    `vitest ${tier}`,
    "npx",
    ["vitest", "run", "--project", tier, "--reporter=default", "--reporter=json", `--outputFile=${out}`],
    { tail: 12 },
  );
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
    failures.push(`vitest ${tier} produced no report`);
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
  if (code !== 0 && report.numFailedTests === 0) {
    total.failed++;
    failures.push(`vitest ${tier} exited with code ${code}`);
  }
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
  const { code } = await exec("e2e", "npx", ["playwright", "test"], {
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: out },
    tail: 60,
  });
  const report = readJson<PlaywrightReport>(out);
  if (!report) {
    total.failed++;
    failures.push("playwright produced no report");
    return;
  }
  total.passed += report.stats.expected;
  total.failed += report.stats.unexpected + report.stats.flaky;
  collectPlaywrightFailures(report.suites ?? []);
  if (code !== 0 && report.stats.unexpected === 0) {
    total.failed++;
    failures.push(`playwright exited with code ${code}`);
  }
}

await Promise.all([
  vitest("xmtp"),
  vitest("unit"),
  (async () => {
    await Promise.all([
      step("typecheck", "npm", ["run", "--silent", "typecheck"]),
      step("lint", "npm", ["run", "--silent", "lint"]),
      step("format", "npm", ["run", "--silent", "format:check"]),
    ]);
    if (await step("build", "npx", ["next", "build"])) await playwright();
  })(),
]);

fs.rmSync(reportDir, { recursive: true, force: true });
if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
console.log(`\n${clock()} in all`);
console.log(`\n${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed === 0 ? 0 : 1);
