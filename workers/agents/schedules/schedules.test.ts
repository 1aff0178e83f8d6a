/**
 * Reminders through the real worker, the local XMTP node and PostgreSQL: the
 * worker holding the agent posts them in the conversation; after a SIGKILL
 * with reminders pending, the next worker to take the agent over posts each
 * of them once; stopping the agent cancels what is left.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@/test/convos";
import { tempDir } from "@/test/convos";
import { stopAgent } from "@/lib/agents/mutations";
import { createReminder } from "@/lib/schedules/mutations";
import { fastOptions, launchAndJoin, testSettings, workerTestEnv, type WorkerTestEnv } from "@/test/worker";
import { takeWarmIdentities } from "@/test/warm-identities";
import { exited, killIfRunning, spawnTestWorker } from "@/test/worker-process";
import { texts } from "@/test/xmtp-clients";
import { startWorker, type RunningWorker } from "@/workers/agents/worker/worker";

let env: WorkerTestEnv;
const tmp = tempDir("agents-schedules-");
const children: ChildProcess[] = [];
let rescuer: RunningWorker | undefined;
beforeAll(async () => {
  env = await workerTestEnv(1);
  await takeWarmIdentities(1, env.t.db, env.dataDir); // made ahead of time by the run's bank
});
afterAll(async () => {
  children.forEach(killIfRunning);
  await rescuer?.close();
  await env.cleanup();
  tmp.remove();
});

function spawnWorker(id: string): ChildProcess {
  const child = spawnTestWorker(id, env);
  children.push(child);
  return child;
}

describe("reminders in a live conversation", () => {
  it("after SIGKILL with reminders pending, the next worker posts each of them once", async () => {
    const child = spawnWorker("sched-1");
    await waitFor(
      "pool at target",
      async () => (await env.t.db.identity.count({ where: { status: "idle" } })) === 1,
      40_000,
    );
    const agent = await launchAndJoin(tmp.dir, "Nudge", "Reminds people.");
    const scope = { agentId: agent.agentId, identityId: agent.identityId, timeZone: "UTC" };
    const remind = (text: string, inMs: number) =>
      env.t.db.$transaction((tx) => createReminder(tx, scope, { at: new Date(Date.now() + inMs), text }));
    const posted = async () =>
      (await texts(agent.group)).filter((m) => m.sender === agent.agentInbox).map((m) => m.text);

    // The worker holding the agent posts reminders when they fall due.
    for (let i = 0; i < 3; i++) await remind(`early ${i}`, 500 + i * 200);
    await waitFor(
      "the early reminders",
      async () => (await posted()).filter((t) => t.startsWith("⏰ early")).length === 3,
      20_000,
    );

    // Reminders pending when the worker dies are posted by the next one, each once.
    for (let i = 0; i < 10; i++) await remind(`pending ${i}`, 2_500 + i * 100);
    const exit = exited(child);
    child.kill("SIGKILL");
    expect(await exit).toBe("SIGKILL");
    rescuer = await startWorker({
      settings: testSettings(),
      ...fastOptions,
      workerId: "sched-rescuer",
      fillPool: false,
    });
    await waitFor(
      "the pending reminders",
      async () => (await posted()).filter((t) => t.startsWith("⏰ pending")).length >= 10,
      30_000,
    );
    // A firing is marked sent after its message went out: once every firing is, nothing more is posted.
    await waitFor(
      "every firing sent",
      async () => (await env.t.db.scheduleFiring.count({ where: { status: { not: "sent" } } })) === 0,
      30_000,
    );
    const all = await posted();
    for (const text of [
      ...[0, 1, 2].map((i) => `⏰ early ${i}`),
      ...Array.from({ length: 10 }, (_, i) => `⏰ pending ${i}`),
    ])
      expect([text, all.filter((t) => t === text).length]).toEqual([text, 1]);
    expect(await env.t.db.scheduleFiring.count({ where: { status: { not: "sent" } } })).toBe(0);

    // Stopping the agent cancels what is left.
    await remind("after stop", 60_000);
    await stopAgent(agent.agentId, { ownerId: null, actor: "test" });
    expect(await env.t.db.schedule.count({ where: { agentId: agent.agentId, status: "active" } })).toBe(0);
  });
});
