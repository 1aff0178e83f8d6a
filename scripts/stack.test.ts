/**
 * The run command with a worker that crashes at every start (an invalid
 * LOG_LEVEL makes it throw before it does anything): it is restarted with
 * growing delays, given up on after the bounded tries, the give-up is recorded,
 * and the run command stops everything and exits with code 1. XMTP_ENV=dev so
 * no local node starts (the test run's node holds 5556); the worker never gets
 * as far as the network.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { freePort } from "./embedded-postgres.ts";

let t: TestDatabase;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "run-give-up-"));
afterAll(async () => {
  await t?.db.$disconnect();
  await t?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it("gives a worker that crashes at every start up after 5 restarts, then stops everything with code 1", async () => {
  t = await createTestDatabase();
  const root = path.resolve(import.meta.dirname, "..");
  const run = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/run.ts", "dev"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      DATA_DIR: dataDir,
      XMTP_ENV: "dev",
      PORT: String(await freePort()),
      LOG_LEVEL: "no-such-level",
      // 0.1 s, 0.2 s … instead of 1 s, 2 s … 16 s: the same policy, fifteen seconds sooner.
      SUPERVISOR_RESTART_DELAY_MS: "100",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  run.stdout.on("data", (d) => (output += d));
  run.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => run.once("exit", (c) => resolve(c)));

  const lines = output.split("\n").filter((l) => l.startsWith("[run]"));
  expect(lines.filter((l) => l.startsWith("[run] worker exited"))).toEqual(
    [0.1, 0.2, 0.4, 0.8, 1.6].map(
      (s, i) =>
        `[run] worker exited (code 1); restarting it in ${s} s (restart ${i + 1} of at most 5 in a row)`,
    ),
  );
  expect(lines).toContain(
    "[run] worker kept crashing at start-up: given up after 5 restarts (last exit: code 1); stopping the rest",
  );
  expect(lines.slice(-3)).toEqual(["[run] web stopped", "[run] worker stopped", "[run] database stopped"]);
  expect(code).toBe(1);
  expect(await t.db.event.count({ where: { kind: "restart" } })).toBe(5);
  const failure = await t.db.event.findFirstOrThrow({ where: { kind: "failure" } });
  expect(failure.error).toMatch(/^worker kept crashing at start-up \(5 restarts, last exit: code 1\)/);
}, 180_000);
