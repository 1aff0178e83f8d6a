/**
 * The worker in-process against the real parts: embedded PostgreSQL, the
 * local XMTP node, real node-sdk clients joining through real invites.
 */
import { describe, expect, it } from "vitest";
import type { Group } from "@xmtp/node-sdk";
import { joinByInvite, newIdentity, openTestConversation, waitFor, type Identity } from "@/test/convos";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { claimJoin } from "@/lib/agents/join-claim";
import { withRunningWorker } from "@/test/worker";
import { afterBarrier } from "@/test/barrier";
import { texts } from "@/test/xmtp-clients";
import { setTimeout as sleep } from "node:timers/promises";

const run = withRunningWorker({ idle: 3, prefix: "agents-clients", startFirst: false });
const { tmp, start } = run;

const warm = () =>
  run.db.identity.count({
    where: { agentId: null, role: "creator", status: { in: ["idle", "provisioning", "failed"] } },
  });
const idle = () => run.db.identity.count({ where: { status: "idle" } });
const OFFLINE = /no language model is configured/;

let joiner: Identity;
let group: Group<unknown>;
let agentId: string;

describe("agents worker", () => {
  it("fills the pool, hands a claimed agent over, accepts a joiner, greets and answers, and replenishes", async () => {
    const a = await start();
    await waitFor("pool at target", async () => (await idle()) === 3, 30_000);

    const claim = await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: "Trip Planner",
      instructions: "Plans trips with you.\nMore.",
    });
    expect(claim.inviteUrl).toMatch(/^https:\/\/dev\.convos\.org\/v2\?i=/);
    expect(claim.latencyMs).toBeLessThan(1_000);
    agentId = claim.agentId;

    joiner = await newIdentity(tmp.dir);
    const result = await joinByInvite(joiner, claim.inviteUrl);
    expect(result.status).toBe("joined");
    if (result.status !== "joined") return;
    group = result.group;
    const greeting = await waitFor("the greeting", async () =>
      (await texts(group)).find((m) => m.text.startsWith("Hi, I'm Trip Planner")),
    );
    expect(greeting.text).toBe("Hi, I'm Trip Planner! Plans trips with you.");
    await group.sync();
    expect(group.name).toBe("Trip Planner");

    // Marked live once its runtime is up, which may be a moment after the runtime greeted the joiner.
    const agent = await waitFor("the agent live", async () => {
      const row = await run.db.agent.findUniqueOrThrow({ where: { id: agentId } });
      return row.status === "live" ? row : null;
    });
    expect(agent.firstJoinedAt).not.toBeNull();
    expect(await run.db.event.count({ where: { kind: "handoff", agentId } })).toBe(1);
    expect(a.running()).toContain(claim.identityId);

    await group.sendText("hello agent");
    await waitFor("the offline answer", async () => (await texts(group)).some((m) => OFFLINE.test(m.text)));
    await waitFor("replenished", async () => (await idle()) === 3, 30_000);
  });

  it("two workers together never overshoot the target", async () => {
    await start();
    await run.db.poolSetting.update({ where: { id: 1 }, data: { targetIdle: 6 } });
    let max = 0;
    await waitFor(
      "pool at the new target",
      async () => {
        max = Math.max(max, await warm());
        return (await idle()) === 6;
      },
      40_000,
    );
    for (let i = 0; i < 10; i++) {
      max = Math.max(max, await warm());
      await sleep(100);
    }
    expect(max).toBe(6);
    expect(await run.db.identity.count({ where: { agentId: null } })).toBe(6);
  });

  it("a restarted worker resumes the agent and answers each message exactly once", async () => {
    await run.closeAll();
    const identity = await run.db.identity.findFirstOrThrow({ where: { agentId } });
    expect(identity.leaseOwner).toBeNull();
    await group.sendText("are you there?");
    await start();
    await waitFor(
      "an answer after the restart",
      async () => (await texts(group)).filter((m) => OFFLINE.test(m.text)).length === 2,
      30_000,
    );
    const all = await afterBarrier(group);
    expect(all.filter((m) => m.sender === joiner.client.inboxId)).toHaveLength(2);
    expect(all.filter((m) => OFFLINE.test(m.text))).toHaveLength(2);
    expect(all.filter((m) => m.text.startsWith("Hi, I'm"))).toHaveLength(1);
    // Both questions and the barrier, each recorded once as answered.
    const answered = () =>
      run.db.handledMessage.count({ where: { identityId: identity.id, kind: "answered" } });
    await waitFor("the barrier recorded", async () => (await answered()) >= 3);
    expect(await answered()).toBe(3);
  });

  it("a join-claim makes the agent join a conversation created elsewhere", async () => {
    if (!run.worker) await start();
    const { group: room, url, stop } = await openTestConversation(tmp.dir, { name: "Book club" });
    try {
      const claim = await claimJoin({
        ownerId: null,
        templateId: null,
        name: "Librarian",
        instructions: "Finds books.",
        inviteUrl: url,
      });
      expect(claim.status).toBe("joining");
      const agent = await waitFor(
        "the agent live",
        async () => {
          const a = await run.db.agent.findUniqueOrThrow({
            where: { id: claim.agentId },
            include: { identities: true },
          });
          return a.status === "live" ? a : null;
        },
        40_000,
      );
      expect(agent.identities).toHaveLength(1);
      expect(agent.identities[0]).toMatchObject({ role: "joiner", status: "live", conversationId: room.id });
      await room.sync();
      expect((await room.members()).map((m) => m.inboxId)).toContain(agent.identities[0].inboxId);
      expect(await run.db.event.count({ where: { kind: "joined", agentId: claim.agentId } })).toBe(1);
      await room.sendText("any good books?");
      await waitFor(
        "the joined agent answers",
        async () => (await texts(room)).some((m) => OFFLINE.test(m.text)),
        20_000,
      );
    } finally {
      await stop();
    }
  });
});
