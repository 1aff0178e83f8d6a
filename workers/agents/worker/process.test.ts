/**
 * The worker as a child process (workers/agents/main.ts): SIGTERM releases its
 * leases and marks it stopped; after SIGKILL its lease expires and another
 * worker takes the agent over, and the agent still answers, exactly once; a
 * worker restarted under the same id (a system supervisor's restart) takes its
 * dead predecessor's agents back at once, without waiting for the leases to expire. A worker whose main
 * thread hangs is killed by its event-loop watchdog, with one line on stderr, and the run command's
 * supervisor starts it again: the agent answers what was sent during the hang.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Group } from "@xmtp/node-sdk";
import { joinByInvite, newIdentity, tempDir, waitFor } from "@/test/convos";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { fastOptions, TEST_MASTER_KEY, testSettings, workerTestEnv, type WorkerTestEnv } from "@/test/worker";
import { takeWarmIdentities } from "@/test/warm-identities";
import { texts } from "@/test/xmtp-clients";
import { afterBarrier } from "@/test/barrier";
import { releaseDeadWorker } from "@/lib/supervision/mutations";
import { supervise, type RestartInfo, type SupervisedPart } from "@/scripts/supervisor";
import { startWorker, type RunningWorker } from "./worker";

let env: WorkerTestEnv;
const ROOT = path.resolve(import.meta.dirname, "../../..");
const tmp = tempDir("agents-proc-");
const children: ChildProcess[] = [];
let inProcess: RunningWorker | undefined;
let supervised: SupervisedPart | undefined;
beforeAll(async () => {
  env = await workerTestEnv(1);
  await takeWarmIdentities(1, env.t.db, env.dataDir); // made ahead of time by the run's bank
});
afterAll(async () => {
  await supervised?.stop("SIGKILL");
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await inProcess?.close();
  await env.cleanup();
  tmp.remove();
});

function spawnWorker(id: string, overrides: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "workers/agents/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: env.t.url,
      DATA_DIR: env.dataDir,
      MASTER_KEY: TEST_MASTER_KEY,
      WORKER_ID: id,
      WORKER_LEASE_MS: "3000",
      WORKER_HEARTBEAT_MS: "500",
      WORKER_POLL_MS: "500",
      WORKER_GRACE_MS: "3000",
      LOG_LEVEL: "warn",
      ...overrides,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

const exited = (c: ChildProcess) =>
  new Promise<number | string>((resolve) => c.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
const OFFLINE = /no language model is configured/;

describe("worker process", () => {
  let group: Group<unknown>;
  let identityId: string;

  it("SIGTERM: exits within 10 s, releases its leases, marks itself stopped", async () => {
    const child = spawnWorker("child-1");
    await waitFor(
      "pool at target",
      async () => (await env.t.db.identity.count({ where: { status: "idle" } })) === 1,
      40_000,
    );
    // The process samples the pool for /admin's charts as it starts, and records its memory with its heartbeat.
    // At least one: one a minute is kept, and a slow start on a loaded machine may cross into the next minute.
    // The idle identity may come from the test run's bank before the process is even up, so the sample waits
    // for the whole start, which under the suite's load has taken more than the default 20 s.
    await waitFor("a pool sample", async () => (await env.t.db.poolSample.count()) >= 1, 60_000);
    const row = await env.t.db.worker.findUniqueOrThrow({ where: { id: "child-1" } });
    expect(Number(row.rssBytes)).toBeGreaterThan(10 * 1024 * 1024);
    const claim = await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: "Night Owl",
      instructions: "Keeps watch.",
    });
    identityId = claim.identityId;
    const joiner = await newIdentity(tmp.dir);
    const result = await joinByInvite(joiner, claim.inviteUrl);
    if (result.status !== "joined") throw new Error(`join: ${result.status}`);
    group = result.group;
    await waitFor("the greeting", async () =>
      (await texts(group)).some((m) => m.text.startsWith("Hi, I'm Night Owl")),
    );
    expect((await env.t.db.identity.findUniqueOrThrow({ where: { id: identityId } })).leaseOwner).toBe(
      "child-1",
    );

    const t0 = Date.now();
    const exit = exited(child);
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await env.t.db.identity.count({ where: { leaseOwner: "child-1" } })).toBe(0);
    expect((await env.t.db.worker.findUniqueOrThrow({ where: { id: "child-1" } })).stoppedAt).not.toBeNull();
  });

  it("SIGKILL: another worker takes over once the lease expires, and the agent still answers once per message", async () => {
    const child = spawnWorker("child-2");
    await waitFor(
      "child-2 resumes the agent",
      async () => {
        const row = await env.t.db.identity.findUniqueOrThrow({ where: { id: identityId } });
        return row.leaseOwner === "child-2";
      },
      30_000,
    );
    await group.sendText("first question");
    await waitFor(
      "child-2 answers",
      async () => (await texts(group)).filter((m) => OFFLINE.test(m.text)).length === 1,
      20_000,
    );

    const exit = exited(child);
    child.kill("SIGKILL");
    expect(await exit).toBe("SIGKILL");
    const leased = await env.t.db.identity.findUniqueOrThrow({ where: { id: identityId } });
    expect(leased.leaseOwner).toBe("child-2"); // a crash releases nothing: the lease must expire

    await group.sendText("second question");
    inProcess = await startWorker({ settings: testSettings(), ...fastOptions, workerId: "rescuer" });
    await waitFor(
      "the rescuer takes the agent over",
      async () => inProcess!.running().includes(identityId),
      20_000,
    );
    await waitFor(
      "the second answer",
      async () => (await texts(group)).filter((m) => OFFLINE.test(m.text)).length === 2,
      20_000,
    );
    expect((await afterBarrier(group)).filter((m) => OFFLINE.test(m.text))).toHaveLength(2);
  });
  it("a worker restarted under the same id after SIGKILL takes its agents back at once, not after lease expiry", async () => {
    await inProcess?.close();
    inProcess = undefined;
    // Two minutes: an answer within the 40 s below can only come from leases handed back at start.
    const longLease = { WORKER_LEASE_MS: "120000" };
    const first = spawnWorker("steady", longLease);
    await waitFor(
      "steady runs the agent",
      async () =>
        (await env.t.db.identity.findUniqueOrThrow({ where: { id: identityId } })).leaseOwner === "steady",
      30_000,
    );
    const exit = exited(first);
    first.kill("SIGKILL");
    expect(await exit).toBe("SIGKILL");

    await group.sendText("third question");
    spawnWorker("steady", longLease);
    await waitFor(
      "the third answer",
      async () => (await texts(group)).filter((m) => OFFLINE.test(m.text)).length === 3,
      40_000,
    );
    expect((await afterBarrier(group)).filter((m) => OFFLINE.test(m.text))).toHaveLength(3);
    // Counted as a restart (/api/health, /admin, metrics), as the run command counts its own.
    const restarts = await env.t.db.event.findMany({ where: { kind: "restart", workerId: "steady" } });
    expect(restarts.map((e) => e.data)).toEqual([
      { part: "worker", exit: "unknown", attempt: null, delayMs: null },
    ]);
  });
  it("a hung worker is killed by its watchdog with one line on stderr, started again, and answers", async () => {
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const c of running) c.kill("SIGTERM");
    await Promise.all(running.map(exited));
    const trigger = path.join(tmp.dir, "block");
    const stderrFile = path.join(tmp.dir, "worker.stderr");
    // As the run command starts the worker (scripts/stack.ts): behind nice and tsx's launcher, a new
    // id for each run, the dead run's leases handed back before the restart. Its stderr goes to a file.
    const runs: string[] = [];
    const restarts: RestartInfo[] = [];
    supervised = supervise(
      {
        name: "worker",
        command: "sh",
        args: ["-c", `exec nice -n 10 node_modules/.bin/tsx workers/agents/main.ts 2>>"${stderrFile}"`],
        env: () => {
          runs.push(`watched-${runs.length + 1}`);
          return {
            ...process.env,
            DATABASE_URL: env.t.url,
            DATA_DIR: env.dataDir,
            MASTER_KEY: TEST_MASTER_KEY,
            WORKER_ID: runs.at(-1)!,
            WORKER_LEASE_MS: "3000",
            WORKER_HEARTBEAT_MS: "500",
            WORKER_POLL_MS: "500",
            WORKER_GRACE_MS: "3000",
            LOG_LEVEL: "warn",
            WORKER_WATCHDOG_MS: "5000",
            NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${path.join(ROOT, "test/block-main-thread.mjs")}`,
            BLOCK_MAIN_THREAD_AFTER: trigger,
          };
        },
        restart: { maxTries: 2, initialDelayMs: 100, maxDelayMs: 1_000, stableAfterMs: 60_000 },
      },
      {
        onRestart: async (info) => {
          restarts.push(info);
          await releaseDeadWorker(runs.at(-1)!);
        },
      },
    );
    supervised.start();
    const leaseOwner = async () =>
      (await env.t.db.identity.findUniqueOrThrow({ where: { id: identityId } })).leaseOwner;
    await waitFor("the first run takes the agent", async () => (await leaseOwner()) === "watched-1", 30_000);

    fs.writeFileSync(trigger, "");
    await waitFor("the main thread blocked", async () => fs.existsSync(`${trigger}.blocked`));
    const blockedAt = Date.now();
    await group.sendText("are you stuck?");
    await waitFor("the hung worker killed and restarted", async () => restarts.length === 1, 30_000);
    expect(Date.now() - blockedAt).toBeGreaterThanOrEqual(4_000);
    // tsx's launcher reports its killed node as exit code 137; the supervisor restarts it as after any crash.
    expect(restarts[0]).toMatchObject({ exit: "code 137 (SIGKILL)", attempt: 1 });
    const watchdogLines = fs
      .readFileSync(stderrFile, "utf8")
      .split("\n")
      .filter((l) => l.includes("event loop blocked"));
    expect(watchdogLines).toHaveLength(1);
    expect(JSON.parse(watchdogLines[0])).toMatchObject({
      level: 60,
      name: "agents",
      workerId: "watched-1",
      limitMs: 5_000,
      msg: expect.stringMatching(/^event loop blocked for [\d.]+ s \(limit 5\.0 s\): killing the worker/),
    });

    await waitFor("the second run takes the agent", async () => (await leaseOwner()) === "watched-2", 30_000);
    await waitFor(
      "the answer to what was sent during the hang",
      async () => (await texts(group)).filter((m) => OFFLINE.test(m.text)).length === 4,
      30_000,
    );
    expect(supervised.restarts).toBe(1);
  });
});
