/**
 * Three worker processes sharing one database and one DATA_DIR (one home):
 * the pool they fill together never overshoots its target; claimed agents
 * spread evenly; a drained worker hands its agents to the others and holds
 * none; after a SIGKILL the others take the dead worker's agents within the
 * lease expiry plus 5 s, and they answer again; a rolling restart (SIGTERM one at a time)
 * loses nothing; and over all of it every message is answered exactly once,
 * counted from a real client (the scripted model echoes each question).
 */
import type { ChildProcess } from "node:child_process";
import type { Group } from "@xmtp/node-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newIdentity, tempDir, waitFor, type Identity } from "@/test/convos";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { setWorkerDraining } from "@/lib/workers/worker-status";
import { startScriptedModelServer, type ScriptedModelServer } from "@/test/scripted-model-server";
import { joinAs, workerTestEnv, type WorkerTestEnv } from "@/test/worker";
import { exited, killIfRunning, spawnTestWorker } from "@/test/worker-process";
import { texts } from "@/test/xmtp-clients";
import { afterBarrier } from "@/test/barrier";

const AGENTS = 6;
const LEASE_MS = 3_000;
const WORKERS = ["w1", "w2", "w3"];

let env: WorkerTestEnv;
let model: ScriptedModelServer;
let sender: Identity;
const tmp = tempDir("agents-multi-");
const children = new Map<string, ChildProcess>();
const groups: Group<unknown>[] = [];
const asked: { group: Group<unknown>; question: string }[] = [];

function start(id: string): ChildProcess {
  const child = spawnTestWorker(id, env, { model, settings: { WORKER_LEASE_MS: String(LEASE_MS) } });
  children.set(id, child);
  return child;
}

beforeAll(async () => {
  env = await workerTestEnv(AGENTS);
  model = await startScriptedModelServer();
  sender = await newIdentity(tmp.dir);
});
afterAll(async () => {
  for (const c of children.values()) killIfRunning(c);
  await model?.close();
  await env.cleanup();
  tmp.remove();
});

/** Waits until a started worker has registered (its signal handlers are installed by then). */
async function up(id: string): Promise<void> {
  const pid = children.get(id)!.pid;
  await waitFor(
    `${id} up`,
    async () => {
      const row = await env.t.db.worker.findUnique({ where: { id } });
      return row !== null && row.pid === pid && row.stoppedAt === null;
    },
    30_000,
  );
}

/** Agents each worker holds, in WORKERS order. */
async function agentsPerWorker(): Promise<number[]> {
  const rows = await env.t.db.identity.groupBy({
    by: ["leaseOwner"],
    where: { agentId: { not: null }, status: "live", leaseOwner: { not: null } },
    _count: { _all: true },
  });
  return WORKERS.map((w) => rows.find((r) => r.leaseOwner === w)?._count._all ?? 0);
}

const answersTo = async (group: Group<unknown>, question: string) =>
  (await texts(group)).filter((m) => m.text === `echo: ${question}`).length;

/** Sends one question to each conversation (the round's name in it) and waits until each has an answer. */
async function askEveryone(round: string, timeoutMs = 30_000): Promise<void> {
  const sent = groups.map((group, i) => ({ group, question: `${round} q${i}` }));
  await Promise.all(sent.map((s) => s.group.sendText(s.question)));
  asked.push(...sent);
  await Promise.all(
    sent.map((s) =>
      waitFor(`an answer to "${s.question}"`, () => answersTo(s.group, s.question), timeoutMs, 250),
    ),
  );
}

describe("three worker processes sharing one home", () => {
  it("fill the pool together without overshooting, and spread the claimed agents evenly", async () => {
    for (const id of WORKERS) start(id);
    let most = 0;
    await waitFor(
      "the pool at its target",
      async () => {
        const waiting = await env.t.db.identity.count({
          where: { agentId: null, status: { in: ["idle", "provisioning", "failed"] } },
        });
        most = Math.max(most, waiting);
        return (await env.t.db.identity.count({ where: { status: "idle" } })) === AGENTS;
      },
      120_000,
      50,
    );
    expect(most).toBeLessThanOrEqual(AGENTS);
    await env.t.db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: 0 } });

    for (let i = 0; i < AGENTS; i++) {
      const claim = await claimWarmIdentity({
        ownerId: null,
        templateId: null,
        name: `Agent ${i}`,
        instructions: "Echoes.",
      });
      const group = await joinAs(sender, claim.inviteUrl);
      groups.push(group);
      await waitFor(
        "the greeting",
        async () => (await texts(group)).some((m) => m.text.startsWith("Hi, I'm")),
        30_000,
      );
    }
    const spread = await waitFor("every agent live", async () => {
      const counts = await agentsPerWorker();
      return counts.reduce((a, b) => a + b) === AGENTS ? counts : null;
    });
    expect(Math.max(...spread) - Math.min(...spread)).toBeLessThanOrEqual(1);
    const homes = await env.t.db.worker.findMany({ select: { homeKey: true } });
    expect(new Set(homes.map((h) => h.homeKey)).size).toBe(1);
    await askEveryone("spread");
  }, 300_000);

  it("a drained worker hands its agents to the others and then holds none", async () => {
    const before = await agentsPerWorker();
    expect(await setWorkerDraining("w1", true)).toBe(true);
    const after = await waitFor(
      "w1 empty, its agents live elsewhere",
      async () => {
        const counts = await agentsPerWorker();
        return counts[0] === 0 && counts[1] + counts[2] === AGENTS ? counts : null;
      },
      30_000,
    );
    expect(before[0]).toBeGreaterThan(0);
    expect(Math.abs(after[1] - after[2])).toBeLessThanOrEqual(1);
    await askEveryone("drained");
    expect((await agentsPerWorker())[0]).toBe(0); // still draining: takes nothing back
    await setWorkerDraining("w1", false);
  }, 120_000);

  it("after SIGKILL of a worker under traffic, the others take its agents within the lease expiry plus 5 s, and they answer again", async () => {
    const w2Agents = { leaseOwner: "w2", agentId: { not: null } };
    expect(await env.t.db.identity.count({ where: w2Agents })).toBeGreaterThan(0);
    const dead = children.get("w2")!;
    const gone = exited(dead);
    const killedAt = Date.now();
    dead.kill("SIGKILL");
    expect(await gone).toBe("SIGKILL");
    // The leases are the guarantee: taken over within the expiry plus 5 s. The answers follow once the moved
    // clients are open: 3-4 s after the kill with this file alone, up to 11 s beside the rest of the suite on
    // two cores (mostly opening clients); bench/scale.ts times the whole failover.
    const taken = waitFor(
      "the dead worker's agents leased by the others",
      async () => (await env.t.db.identity.count({ where: w2Agents })) === 0,
      LEASE_MS + 20_000,
      100,
    ).then(
      () => Date.now() - killedAt,
      () => Infinity, // never taken: fails below, after the answers' own wait
    );
    await askEveryone("after-kill", LEASE_MS + 20_000);
    expect(await taken).toBeLessThan(LEASE_MS + 5_000);
    const counts = await agentsPerWorker();
    expect(counts[1]).toBe(0);
    expect(counts[0] + counts[2]).toBe(AGENTS);
  }, 120_000);

  it("a rolling restart (SIGTERM one worker at a time) loses nothing, and no message was ever answered twice", async () => {
    start("w2");
    for (const id of WORKERS) {
      await up(id);
      const child = children.get(id)!;
      const done = exited(child);
      child.kill("SIGTERM");
      await askEveryone(`restart-${id}`, 40_000);
      expect({ id, exit: await done }).toEqual({ id, exit: 0 });
      start(id);
    }
    for (const id of WORKERS) await up(id);
    await askEveryone("after-restarts", 40_000);
    const seen = new Map(await Promise.all(groups.map(async (g) => [g, await afterBarrier(g)] as const)));
    const counts = asked.map(
      (a) => seen.get(a.group)!.filter((m) => m.text === `echo: ${a.question}`).length,
    );
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    expect(counts).toHaveLength(AGENTS * 7);
  }, 300_000);
});
