/**
 * The worker's events reach the metrics, against the real parts: a worker hands an agent over and answers
 * a real client's message; its Worker row's stats and the /api/metrics scrape count the handoff and the answer, and
 * a restarted worker's counts add to its predecessor's.
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "@/test/convos";
import { emptyWorkerStats, workerStatsSchema } from "@/lib/metrics/worker-stats";
import { renderMetrics } from "@/lib/metrics/registry";
import { ask, launchAndJoin, withRunningWorker } from "@/test/worker";

const OFFLINE = /no language model is configured/;
const run = withRunningWorker({ idle: 1, prefix: "agents-stats", startFirst: false });

async function rowStats(workerId: string) {
  const row = await run.db.worker.findUniqueOrThrow({ where: { id: workerId } });
  return workerStatsSchema.parse(row.stats ?? emptyWorkerStats());
}

/** What /api/metrics serves (the route adds only the admin-or-token check). */
async function scrape() {
  return (await renderMetrics()).body;
}

describe("worker stats", () => {
  it("counts a handoff and an answer in the Worker row and /api/metrics, though another listener throws", async () => {
    const w = await run.start();
    w.events.on("agent:answered", () => {
      throw new Error("a broken listener");
    });
    await waitFor(
      "a warm identity",
      async () => (await run.db.identity.count({ where: { status: "idle" } })) === 1,
      30_000,
    );
    const launched = await launchAndJoin(run.tmp.dir, "Counter", "Counts things.");
    const replies = await ask(launched.group, launched.agentInbox, "hello");
    expect(replies[0]).toMatch(OFFLINE);

    const stats = await waitFor("the answer in the Worker row", async () => {
      const s = await rowStats(w.id);
      return s.answers.count > 0 ? s : null;
    });
    expect(stats.answers.count).toBe(1);
    expect(stats.answers.buckets.reduce((a, b) => a + b, 0)).toBe(1);
    expect(stats.answers.sumSeconds).toBeGreaterThan(0);
    expect(stats.handoffs).toEqual({ handoff: 1, liveAgain: 0 });
    expect(stats.membersJoined).toBe(1);
    expect(stats.warmIdentities.created).toBeGreaterThanOrEqual(1);
    expect(stats.agentFailures).toBe(0);

    // Rows the sum must leave out: a worker silent for two days, and a row whose stats don't parse.
    const old = emptyWorkerStats();
    old.answers.count = 50;
    old.handoffs.handoff = 50;
    await run.db.worker.createMany({
      data: [
        { id: "gone", host: "h", pid: 1, heartbeatAt: new Date(Date.now() - 2 * 86_400_000), stats: old },
        { id: "garbled", host: "h", pid: 2, stats: { answers: "many" } },
      ],
    });

    const body = await scrape();
    expect(body).toMatch(/^convos_worker_answers_total 1$/m);
    expect(body).toMatch(/^convos_worker_answer_duration_seconds_count 1$/m);
    expect(body).toMatch(/^convos_worker_answer_duration_seconds_bucket\{le="\+Inf"\} 1$/m);
    expect(body).toMatch(/^convos_worker_answer_duration_seconds_bucket\{le="120"\} 1$/m);
    expect(body).toMatch(/^convos_worker_handoffs_total\{live_again="false"\} 1$/m);
    expect(body).toMatch(/^convos_worker_handoffs_total\{live_again="true"\} 0$/m);
    expect(body).toMatch(/^convos_worker_members_joined_total 1$/m);
    expect(body).toMatch(/^convos_pool_identities\{status="live"\} 1$/m); // the web app's own metrics still there
  });

  it("a restarted worker's counts add to its predecessor's: the sums don't drop", async () => {
    const agent = await run.db.agent.findFirstOrThrow({ where: { status: "live" } });
    const first = run.worker!;
    await first.close();
    const second = await run.start();
    await waitFor("the agent live again on the new worker", async () => {
      const s = await rowStats(second.id);
      return s.handoffs.liveAgain === 1;
    });
    expect(second.running()).toContain(
      (await run.db.identity.findFirstOrThrow({ where: { agentId: agent.id } })).id,
    );
    const body = await scrape();
    expect(body).toMatch(/^convos_worker_answers_total 1$/m);
    expect(body).toMatch(/^convos_worker_handoffs_total\{live_again="false"\} 1$/m);
    expect(body).toMatch(/^convos_worker_handoffs_total\{live_again="true"\} 1$/m);
  });
});
