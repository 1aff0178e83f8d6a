/**
 * The recovery of a lost home with a real worker (docs/recovery.md): a live
 * agent's XMTP database is deleted while no worker runs it; the next worker
 * opens a new installation, revokes the lost one, and answers again once the
 * person's next message has re-added it (and accepts joins through its invite
 * again). What was written before that stays unread. A worker stopped during
 * the wait leaves it to the next; an agent stopped during the wait is wound
 * down as any stopped agent nobody runs.
 */
import { describe, expect, it } from "vitest";
import { Client } from "@xmtp/node-sdk";
import { ask, joinAs, launchAndJoin, withRunningWorker, type LaunchedForTest } from "@/test/worker";
import { texts, untilInstallationCheck, waitFor } from "@/test/xmtp-clients";
import { afterBarrier } from "@/test/barrier";
import { deleteClientDatabase } from "@/test/xmtp-databases";
import { newIdentity } from "@/test/convos";
import { stopAgent } from "@/lib/agents/mutations";

const run = withRunningWorker({ idle: 1, prefix: "recover-home", startFirst: false });

const OFFLINE = /no language model is configured/;

describe("a lost home", () => {
  let agent: LaunchedForTest;
  /** When the person's last send in the agent's conversation ended (their client's installation check). */
  let lastSendAt = 0;

  it("a worker recovers an agent whose database is gone: new installation, old one revoked, answers the next message", async () => {
    const first = await run.start({ workerId: "home" });
    await waitFor(
      "a warm identity",
      async () => (await run.db.identity.count({ where: { status: "idle" } })) === 1,
      30_000,
    );
    agent = await launchAndJoin(run.tmp.dir, "Keeper", "Keeps things.");
    expect(await ask(agent.group, agent.agentInbox, "hello")).toEqual([expect.stringMatching(OFFLINE)]);
    const [before] = await Client.fetchInboxStates([agent.agentInbox], "local");
    expect(before.installations).toHaveLength(1);

    await first.close();
    expect(deleteClientDatabase(agent.agentInbox)).toBeGreaterThan(0);
    await agent.group.sendText("written while the agent had no database");
    lastSendAt = Date.now();
    const answersBefore = (await texts(agent.group)).filter((m) => m.sender === agent.agentInbox).length;

    const second = await run.start({ workerId: "new-home" });
    const lost = await waitFor(
      "the home_lost event",
      () => run.db.event.findFirst({ where: { kind: "home_lost", identityId: agent.identityId } }),
      30_000,
    );
    const [after] = await waitFor("a new installation in place of the lost one", async () => {
      const states = await Client.fetchInboxStates([agent.agentInbox], "local");
      const ids = states[0]?.installations.map((i) => i.id) ?? [];
      return ids.length === 1 && ids[0] !== before.installations[0].id ? states : null;
    });
    expect(after.inboxId).toBe(agent.agentInbox);

    // The person's client checks the group's installations before a send at most every 5 s.
    await untilInstallationCheck(lastSendAt);
    const asked = Date.now();
    expect(await ask(agent.group, agent.agentInbox, "are you back?", 1, 30_000)).toEqual([
      expect.stringMatching(OFFLINE),
    ]);
    const answeredAt = (lastSendAt = Date.now());
    console.log(
      `[lost home] answered ${answeredAt - asked} ms after the re-adding message; ` +
        `${answeredAt - lost.createdAt.getTime()} ms after the loss was found (some of it the test's wait for the check)`,
    );

    const recovered = await run.db.event.findFirstOrThrow({
      where: { kind: "home_recovered", identityId: agent.identityId },
    });
    expect(recovered.latencyMs).toBeGreaterThan(0);
    expect(second.running()).toContain(agent.identityId);
    // Its invite still works: a newcomer's join request reaches the new installation, which adds them.
    const newcomer = await newIdentity(run.tmp.dir);
    const newcomerGroup = await joinAs(newcomer, agent.inviteUrl);
    expect(newcomerGroup.id).toBe(agent.group.id);
    // The message written in the gap was never readable: one answer, to "are you back?" only.
    const answers = (await afterBarrier(agent.group)).filter((m) => m.sender === agent.agentInbox);
    expect(answers).toHaveLength(answersBefore + 1);
    lastSendAt = Date.now();
  });

  it("a worker stopped while the agent waits to be re-added leaves the wait to the next worker", async () => {
    await run.closeAll();
    expect(deleteClientDatabase(agent.agentInbox)).toBeGreaterThan(0);
    const lostEvents = () =>
      run.db.event.count({ where: { kind: "home_lost", identityId: agent.identityId } });
    const waiting = await run.start({ workerId: "short-lived" });
    await waitFor("the second loss recorded", async () => (await lostEvents()) === 2, 30_000);
    await waiting.close(); // nobody wrote meanwhile: it was still waiting
    expect(
      await run.db.event.count({ where: { kind: "home_recovered", identityId: agent.identityId } }),
    ).toBe(1);

    await run.start({ workerId: "patient" });
    await waitFor(
      "the next worker takes the identity (and the wait) over",
      async () =>
        (await run.db.identity.findUniqueOrThrow({ where: { id: agent.identityId } })).leaseOwner ===
        "patient",
      30_000,
    );
    await untilInstallationCheck(lastSendAt);
    expect(await ask(agent.group, agent.agentInbox, "and now?", 1, 30_000)).toEqual([
      expect.stringMatching(OFFLINE),
    ]);
    expect(await lostEvents()).toBe(2); // the same loss: the new installation was kept, not replaced
    expect(
      await run.db.event.count({ where: { kind: "home_recovered", identityId: agent.identityId } }),
    ).toBe(2);
    const [state] = await Client.fetchInboxStates([agent.agentInbox], "local");
    expect(state.installations).toHaveLength(1);
  });

  it("an agent stopped while it waits to be re-added is wound down and its identity retired", async () => {
    await run.closeAll();
    expect(deleteClientDatabase(agent.agentInbox)).toBeGreaterThan(0);
    const w = await run.start({ workerId: "stopped-meanwhile" });
    await waitFor(
      "the third loss recorded",
      async () =>
        (await run.db.event.count({ where: { kind: "home_lost", identityId: agent.identityId } })) === 3,
      30_000,
    );
    await stopAgent(agent.agentId, { ownerId: null, actor: "test" });
    await waitFor(
      "the identity retired",
      async () =>
        (await run.db.identity.findUniqueOrThrow({ where: { id: agent.identityId } })).status === "retired",
      30_000,
    );
    expect(
      await run.db.event.count({ where: { kind: "home_recovered", identityId: agent.identityId } }),
    ).toBe(2);
    expect(w.running()).not.toContain(agent.identityId);
  });
});
