/**
 * The deadline pool on real worker threads: a thread spinning past its deadline is terminated and the next
 * task gets a fresh one, a partial result survives the deadline, idle threads end, and no more than the
 * pool's threads run at once.
 */
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { DeadlineExceeded } from "@/lib/deadlines";
import { DeadlinePool, TaskFailed } from "./deadline-pool";

// spin: never returns (after posting `partial`, if given); busyMs: works that long; fail: reports an error.
const THREAD = `
const { parentPort, threadId } = require("node:worker_threads");
parentPort.on("message", (m) => {
  const startedAt = Date.now();
  if (m.partial !== undefined) parentPort.postMessage({ partial: m.partial });
  if (m.spin) for (;;) {}
  while (Date.now() < startedAt + (m.busyMs ?? 0)) {}
  if (m.fail) parentPort.postMessage({ error: m.fail });
  else parentPort.postMessage({ result: { echo: m.echo, threadId, startedAt, endedAt: Date.now() } });
});
`;

// Loads for `loadMs` (from its workerData) before it takes tasks, then says it is ready.
const SLOW_LOADING_THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const until = Date.now() + workerData.loadMs;
while (Date.now() < until) {}
parentPort.on("message", (m) => {
  if (m.spin) for (;;) {}
  parentPort.postMessage({ result: { echo: m.echo } });
});
parentPort.postMessage({ ready: true });
`;

interface Done {
  echo?: unknown;
  threadId: number;
  startedAt: number;
  endedAt: number;
}

const pools: { close(): Promise<void> }[] = [];

function pool(threads: number, idleMs = 60_000, startMs = 0) {
  const started: Worker[] = [];
  const p = new DeadlinePool<Done | string>({
    threads,
    idleMs,
    startMs,
    start: () => {
      const w = new Worker(THREAD, { eval: true, execArgv: [] });
      started.push(w);
      return w;
    },
  });
  pools.push(p);
  return { pool: p, started };
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe("DeadlinePool", () => {
  it("terminates a thread that spins past its deadline, and the next task runs on a fresh thread", async () => {
    const { pool: p, started } = pool(1);
    const began = Date.now();
    const spinning = p.run({ spin: true }, 200);
    const exited = once(started[0], "exit");
    await expect(spinning).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(Date.now() - began).toBeLessThan(2_000);
    await exited; // terminated, not left spinning
    const next = (await p.run({ echo: "after" }, 5_000)) as Done;
    expect(next.echo).toBe("after");
    expect(started).toHaveLength(2);
    expect(next.threadId).toBe(started[1].threadId);
  });

  it("resolves with the partial result when the thread is stopped after posting one", async () => {
    const { pool: p } = pool(1, 60_000, 2_000); // time to start the thread: the partial must come first
    await expect(p.run({ spin: true, partial: "the body so far" }, 200)).resolves.toBe("the body so far");
  });

  it("passes on the thread's own error and keeps the thread", async () => {
    const { pool: p, started } = pool(1);
    await expect(p.run({ fail: "no such rule" }, 5_000)).rejects.toEqual(new TaskFailed("no such rule"));
    await expect(p.run({ echo: 2 }, 5_000)).resolves.toMatchObject({ echo: 2 });
    expect(started).toHaveLength(1);
  });

  it("ends a thread idle for idleMs; the next task starts another", async () => {
    const { pool: p, started } = pool(1, 150);
    await p.run({ echo: 1 }, 5_000);
    expect(p.threadCount).toBe(1);
    await once(started[0], "exit");
    expect(p.threadCount).toBe(0);
    await expect(p.run({ echo: 2 }, 5_000)).resolves.toMatchObject({ echo: 2 });
    expect(started).toHaveLength(2);
  });

  it("runs at most `threads` tasks at once, each deadline starting when a thread takes it", async () => {
    // Starting a thread on a loaded machine may take a while: only a task's run is under test here.
    const { pool: p, started } = pool(2, 60_000, 2_000);
    // 9 tasks of 200 ms on 2 threads take ~1 s: the last waits ~800 ms, past its 700 ms deadline had that
    // counted from the call.
    const done = (await Promise.all(
      Array.from({ length: 9 }, (_, i) => p.run({ echo: i, busyMs: 200 }, 700)),
    )) as Done[];
    expect(started).toHaveLength(2);
    expect(new Set(done.map((d) => d.threadId)).size).toBe(2);
    const overlapping = (at: number) => done.filter((d) => d.startedAt <= at && at < d.endedAt).length;
    expect(Math.max(...done.map((d) => overlapping(d.startedAt)))).toBe(2);
  });

  it("runs the tasks of a one-thread pool one at a time, in the order they came", async () => {
    const { pool: p } = pool(1, 60_000, 2_000);
    const done = (await Promise.all(
      Array.from({ length: 5 }, (_, i) => p.run({ echo: i, busyMs: 20 }, 1_000)),
    )) as Done[];
    for (let i = 1; i < done.length; i++)
      expect(done[i].startedAt).toBeGreaterThanOrEqual(done[i - 1].endedAt);
  });

  it("starts the deadline of a thread that announces itself when it is ready, and bounds its loading by startMs", async () => {
    const slow = (loadMs: number, startMs: number, announcesReady: boolean) => {
      const p = new DeadlinePool<{ echo: unknown }>({
        threads: 1,
        idleMs: 60_000,
        startMs,
        announcesReady,
        start: () => new Worker(SLOW_LOADING_THREAD, { eval: true, execArgv: [], workerData: { loadMs } }),
      });
      pools.push(p);
      return p;
    };
    // Loading takes longer than the task's deadline: counted from the ready message, the task is in time.
    await expect(slow(600, 5_000, true).run({ echo: "loaded" }, 200)).resolves.toEqual({ echo: "loaded" });
    // The deadline is the task's own from then on, not the load's allowance on top of it.
    let began = Date.now();
    await expect(slow(600, 5_000, true).run({ spin: true }, 200)).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(Date.now() - began).toBeGreaterThanOrEqual(750);
    expect(Date.now() - began).toBeLessThan(4_000);
    // Counted from the post (no announcement, no allowance), the same loading overruns the same deadline.
    await expect(slow(600, 0, false).run({ echo: "late" }, 200)).rejects.toBeInstanceOf(DeadlineExceeded);
    // A thread that is not ready within startMs is stopped.
    began = Date.now();
    await expect(slow(30_000, 300, true).run({ echo: "never" }, 200)).rejects.toThrow(
      "the thread did not start within 300 ms",
    );
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it("close() waits for the tasks in flight, then ends every thread", async () => {
    const { pool: p, started } = pool(2);
    const work = [p.run({ echo: "a", busyMs: 100 }, 5_000), p.run({ echo: "b", busyMs: 100 }, 5_000)];
    await p.close();
    await expect(Promise.all(work)).resolves.toHaveLength(2);
    expect(p.threadCount).toBe(0);
    expect(started.map((w) => w.threadId)).toEqual([-1, -1]); // -1: the thread is no longer running
  });
});
