/**
 * The worker as a child process (workers/agents/main.ts): SIGTERM releases its
 * leases and marks it stopped; after SIGKILL its lease expires and another
 * worker takes the agent over, and the agent still answers, exactly once; a
 * worker restarted under the same id (a system supervisor's restart) takes its
 * dead predecessor's agents back at once, without waiting for the leases to expire.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Group } from "@xmtp/node-sdk";
import { joinByInvite, newIdentity, tempDir, waitFor } from "@/test/convos";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { fastOptions, TEST_MASTER_KEY, workerTestEnv, type WorkerTestEnv } from "../../test/worker";
import { texts } from "../../test/xmtp-clients";
import { startWorker, type RunningWorker } from "./worker";

let env: WorkerTestEnv;
const tmp = tempDir("agents-proc-");
const children: ChildProcess[] = [];
let inProcess: RunningWorker | undefined;
beforeAll(async () => {
  env = await workerTestEnv(1);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await inProcess?.stop();
  await env.cleanup();
  tmp.remove();
});

function spawnWorker(id: string, overrides: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "main.ts")], {
    cwd: path.resolve(import.meta.dirname, "../.."),
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
    await waitFor("a pool sample", async () => (await env.t.db.poolSample.count()) === 1);
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
    inProcess = await startWorker({ ...fastOptions, workerId: "rescuer" });
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
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await texts(group)).filter((m) => OFFLINE.test(m.text))).toHaveLength(2);
  });
  it("a worker restarted under the same id after SIGKILL takes its agents back at once, not after lease expiry", async () => {
    await inProcess?.stop();
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
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await texts(group)).filter((m) => OFFLINE.test(m.text))).toHaveLength(3);
    // Counted as a restart (/api/health, /admin, metrics), as the run command counts its own.
    const restarts = await env.t.db.event.findMany({ where: { kind: "restart", workerId: "steady" } });
    expect(restarts.map((e) => e.data)).toEqual([
      { part: "worker", exit: "unknown", attempt: null, delayMs: null },
    ]);
  });
});
