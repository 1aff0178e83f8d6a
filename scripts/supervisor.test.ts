/**
 * The run command's supervisor with real child processes: restarts with
 * capped backoff, gives up on a part that crashes at every start, starts over
 * after a healthy run, kills what a dead run left behind, and stops on request.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  restartDelay,
  supervise,
  type PartHooks,
  type RestartInfo,
  type SupervisedPart,
} from "./supervisor.ts";
import { processAlive } from "./process-alive.ts";
import { setTimeout as sleep } from "node:timers/promises";

const node = (code: string) => ({ command: process.execPath, args: ["-e", code], env: () => process.env });
const fast = { maxTries: 3, initialDelayMs: 50, maxDelayMs: 120, stableAfterMs: 10_000 };

const parts: SupervisedPart[] = [];
afterEach(async () => {
  await Promise.all(parts.splice(0).map((p) => p.stop("SIGKILL")));
});

/** A part plus a record of what its hooks saw. */
function watched(spec: Parameters<typeof supervise>[0]) {
  const starts: { pid: number | undefined; at: number }[] = [];
  const restarts: RestartInfo[] = [];
  let failed: { exit: string; gaveUp: boolean; tries: number } | undefined;
  const failedOnce = new Promise<NonNullable<typeof failed>>((resolve) => {
    const hooks: PartHooks = {
      onStart: (_name, pid) => starts.push({ pid, at: Date.now() }),
      onRestart: (info) => void restarts.push(info),
      onFailed: (info) => resolve((failed = info)),
    };
    parts.push(supervise(spec, hooks));
  });
  const part = parts.at(-1)!;
  return { part, starts, restarts, failedOnce, failed: () => failed };
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("restart policy", () => {
  it("doubles the delay from the first one and never goes above the cap", () => {
    const policy = { maxTries: 10, initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelay(policy, n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it("gives a part that exits at every start up after the bounded tries, waiting longer each time", async () => {
    const w = watched({ name: "crasher", ...node("process.exit(1)"), restart: fast });
    w.part.start();
    const failed = await w.failedOnce;
    expect(failed).toEqual({ name: "crasher", exit: "code 1", gaveUp: true, tries: 3 });
    expect(w.starts).toHaveLength(4); // the first run and three restarts
    expect(w.restarts.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 50],
      [2, 100],
      [3, 120],
    ]);
    for (let i = 1; i < w.starts.length; i++) {
      expect(w.starts[i].at - w.starts[i - 1].at).toBeGreaterThanOrEqual(w.restarts[i - 1].delayMs - 5);
    }
    expect(w.part.pid).toBeUndefined();
  });

  it("restarts a part killed with SIGKILL, as a new process", async () => {
    const w = watched({ name: "sleeper", ...node("setInterval(() => {}, 1000)"), restart: fast });
    w.part.start();
    await until("the first run", () => w.starts.length === 1);
    const first = w.part.pid!;
    process.kill(first, "SIGKILL");
    await until("the restart", () => w.starts.length === 2);
    expect(w.restarts).toEqual([{ name: "sleeper", exit: "SIGKILL", attempt: 1, delayMs: 50 }]);
    expect(w.part.pid).not.toBe(first);
    expect(processAlive(w.part.pid!)).toBe(true);
    expect(w.part.restarts).toBe(1);
  });

  it("starts the tries over after a run that lasted long enough to count as healthy", async () => {
    const w = watched({
      name: "flaky",
      ...node("setTimeout(() => process.exit(3), 150)"),
      restart: { ...fast, maxTries: 1, stableAfterMs: 100 },
    });
    w.part.start();
    await until("three restarts", () => w.restarts.length >= 3);
    expect(w.failed()).toBeUndefined();
    expect(w.restarts.every((r) => r.attempt === 1 && r.exit === "code 3")).toBe(true);
  });

  it("kills what the dead run left in its group before starting again", async () => {
    // The shell leaves a background sleep behind: a grandchild like tsx's, which would otherwise run twice.
    const w = watched({
      name: "leaky",
      command: "sh",
      args: ["-c", "sleep 30 & exit 1"],
      env: () => process.env,
      restart: { ...fast, maxTries: 1 },
    });
    w.part.start();
    await until("the first run", () => w.starts.length === 1);
    const group = w.starts[0].pid!;
    await w.failedOnce;
    expect(processAlive(-group)).toBe(false);
  });

  it("names the signal when a wrapper like tsx reports it as exit code 128 + n", async () => {
    const w = watched({
      name: "wrapped",
      command: "sh",
      args: ["-c", "exit 137"],
      env: () => process.env,
      restart: { ...fast, maxTries: 0 },
    });
    w.part.start();
    expect(await w.failedOnce).toEqual({
      name: "wrapped",
      exit: "code 137 (SIGKILL)",
      gaveUp: true,
      tries: 0,
    });
  });

  it("a part without a policy is not restarted: its exit is final", async () => {
    const w = watched({ name: "web", ...node("process.exit(2)") });
    w.part.start();
    expect(await w.failedOnce).toEqual({ name: "web", exit: "code 2", gaveUp: false, tries: 0 });
    await sleep(200);
    expect(w.starts).toHaveLength(1);
  });

  it("stop() is not a crash: SIGTERM, then SIGKILL after the grace period, and no restart", async () => {
    // The child says when its SIGTERM handler is in place (a busy machine may take a while to start node).
    const ready = path.join(os.tmpdir(), `supervisor-test-${process.pid}-${Date.now()}`);
    const w = watched({
      name: "stubborn",
      ...node(
        `process.on('SIGTERM', () => {}); require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000)`,
      ),
      restart: fast,
    });
    w.part.start();
    await until("the first run", () => w.starts.length === 1);
    await until("its SIGTERM handler", () => fs.existsSync(ready));
    fs.rmSync(ready, { force: true });
    const pid = w.part.pid!;
    const t0 = Date.now();
    await w.part.stop("SIGTERM", 500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    expect(processAlive(pid)).toBe(false);
    await sleep(300);
    expect(w.starts).toHaveLength(1);
    expect(w.restarts).toEqual([]);
    expect(w.failed()).toBeUndefined();

    w.part.start(); // a stopped part can be started again (the run command does so with the worker)
    await until("the second run", () => w.starts.length === 2);
    expect(processAlive(w.part.pid!)).toBe(true);
  });

  it("start() while stop() is under way starts a new run once the old one is gone, and counts no crash", async () => {
    const w = watched({ name: "worker", ...node("setInterval(() => {}, 1000)"), restart: fast });
    w.part.start();
    await until("the first run", () => w.starts.length === 1);
    const first = w.part.pid!;
    const stopped = w.part.stop("SIGTERM", 2_000);
    w.part.start(); // what the run command does with the worker around a restart of the local node
    await stopped;
    await until("the second run", () => w.starts.length === 2);
    expect(processAlive(first)).toBe(false);
    expect(processAlive(w.part.pid!)).toBe(true);
    await sleep(300);
    expect(w.starts).toHaveLength(2);
    expect(w.restarts).toEqual([]);
  });
});
