/**
 * An agent's end and its restart against the real parts (embedded PostgreSQL,
 * the local XMTP node, real clients): stop and kill take effect within 2 s,
 * the agent says so and leaves the group, join requests through its invite are
 * refused, its identity is retired; an admin restart brings it back (launched
 * and joined, also across a worker restart); removed from its conversation it
 * stops by itself.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { xmtpDbDir } from "@/lib/xmtp/paths";
import type { Group } from "@xmtp/node-sdk";
import { explodeSettingsCodec, sendWithCodec, updateAppData, join } from "@/lib/convos";
import { newIdentity, openTestConversation, waitFor, type TestConversation } from "@/test/convos";
import { stoppedEventText } from "@/lib/agents/lifecycle";
import { restartAgent, stopAgent } from "@/lib/agents/mutations";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { claimJoin } from "@/lib/agents/join-claim";
import { ask, joinAs, launchAndJoin, withRunningWorker, type LaunchedForTest } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";
import { setTimeout as sleep } from "node:timers/promises";

const conversations: TestConversation[] = [];
const run = withRunningWorker({
  idle: 3,
  prefix: "agents-lifecycle",
  tearDown: async () => {
    await Promise.allSettled(conversations.map((c) => c.stop()));
  },
});
const { tmp } = run;

const OFFLINE = /no language model is configured/;

const memberIds = async (group: Group<unknown>) => {
  await group.sync();
  return (await group.members()).map((m) => m.inboxId);
};

const agentRow = (id: string) =>
  run.db.agent.findUniqueOrThrow({ where: { id }, include: { identities: true, events: true } });

async function owner(agentId: string) {
  const user = await run.db.user.create({ data: { email: `${agentId}@example.test` } });
  await run.db.agent.update({ where: { id: agentId }, data: { ownerId: user.id } });
  return user;
}

/** The client database files of `inboxId` in the worker's DATA_DIR (the -wal and -shm beside the .db3 too). */
const databaseFiles = (inboxId: string) =>
  fs.readdirSync(xmtpDbDir()).filter((f) => f.includes(`-${inboxId}.db3`));

/**
 * Waits until the agent's identity is retired, its database deleted, and the member list (seen by `group`)
 * no longer has it.
 */
async function expectGone(a: { identityId: string; agentInbox: string }, group: Group<unknown>) {
  await waitFor(
    "the identity retired",
    async () =>
      (await run.db.identity.findUniqueOrThrow({ where: { id: a.identityId } })).status === "retired",
    10_000,
  );
  const identity = await run.db.identity.findUniqueOrThrow({ where: { id: a.identityId } });
  expect(identity).toMatchObject({ leaseOwner: null, encryptedWalletKey: null, encryptedDbKey: null });
  expect(run.worker?.running()).not.toContain(a.identityId);
  await waitFor("its database deleted", () => databaseFiles(a.agentInbox).length === 0, 10_000);
  await waitFor(
    "the agent left the group",
    async () => !(await memberIds(group)).includes(a.agentInbox),
    10_000,
  );
}

/** Sends a message and checks that the agent says nothing more within `ms`. */
async function expectSilence(group: Group<unknown>, agentInbox: string, ms = 2_000) {
  const before = (await texts(group)).filter((m) => m.sender === agentInbox).length;
  await group.sendText("are you still there?");
  await sleep(ms);
  expect((await texts(group)).filter((m) => m.sender === agentInbox)).toHaveLength(before);
}

describe("stop and kill", () => {
  let a: LaunchedForTest;

  it("stopped by its owner, the agent says so within 2 s, stops answering, leaves and is retired", async () => {
    a = await launchAndJoin(tmp.dir, "Trip Planner", "Plans trips.");
    expect((await ask(a.group, a.agentInbox, "hello"))[0]).toMatch(OFFLINE);
    const user = await owner(a.agentId);
    expect(databaseFiles(a.agentInbox)).toContain(`local-${a.agentInbox}.db3`);

    const stoppedAt = performance.now();
    await stopAgent(a.agentId, { ownerId: user.id, actor: user.id });
    await waitFor(
      "the goodbye line",
      async () => (await texts(a.group)).some((m) => m.text === "Trip Planner was stopped by its owner."),
      2_000,
      100,
    );
    expect(performance.now() - stoppedAt).toBeLessThan(2_000);
    await expectGone(a, a.group);
    await expectSilence(a.group, a.agentInbox);

    const agent = await agentRow(a.agentId);
    expect(agent).toMatchObject({ status: "stopped", stopReason: "owner" });
    // The timeline: the owner's stop, then the worker leaving the conversation.
    expect(agent.events.filter((e) => e.kind === "stopped").map((e) => stoppedEventText(e.data))).toEqual([
      "Stopped: stopped by its owner",
      "Left the conversation",
    ]);
    // The operator inherited the group: they can manage it now that the agent left.
    await a.group.sync();
    expect(a.group.isSuperAdmin(a.operator.client.inboxId)).toBe(true);
  });

  it("killed by an admin, it says so and leaves; a restart brings it back in a new conversation", async () => {
    const k = await launchAndJoin(tmp.dir, "Quiz Master", "Asks questions.");
    await stopAgent(k.agentId, { ownerId: null, actor: "admin:test" });
    await waitFor(
      "the kill line",
      async () => (await texts(k.group)).some((m) => m.text === "Quiz Master was stopped by an admin."),
      2_000,
      100,
    );
    await expectGone(k, k.group);
    expect(await agentRow(k.agentId)).toMatchObject({ status: "stopped", stopReason: "admin" });

    expect(await restartAgent(k.agentId, "admin:test")).toBe("ready");
    const fresh = await waitFor(
      "live on a fresh identity",
      async () => {
        const row = await agentRow(k.agentId);
        const current = row.identities.find((i) => i.status === "live");
        return row.status === "live" && current ? current : null;
      },
      20_000,
    );
    expect(fresh.id).not.toBe(k.identityId);
    const person = await newIdentity(tmp.dir);
    const group = await joinAs(person, fresh.inviteUrl ?? "");
    await waitFor("the greeting", async () =>
      (await texts(group)).some((m) => m.text.startsWith("Hi, I'm Quiz Master")),
    );
    expect((await ask(group, fresh.inboxId ?? "", "hi"))[0]).toMatch(OFFLINE);
  });

  it("a stop while no worker runs is carried out by the next worker, which refuses waiting join requests", async () => {
    const claim = await claimWarmIdentity({
      ownerId: null,
      templateId: null,
      name: "Helper",
      instructions: "Helps.",
    });
    await waitFor("live", async () => (await agentRow(claim.agentId)).status === "live", 20_000);
    await run.closeAll();

    const late = await newIdentity(tmp.dir);
    const joining = join(claim.inviteUrl, {
      client: late.client,
      env: "local",
      timeoutMs: 40_000,
      syncIntervalMs: 300,
    });
    await sleep(1_000); // the request is in the agent's DMs
    await stopAgent(claim.agentId, { ownerId: null, actor: "admin:test" });
    await run.start();

    const result = await joining;
    expect(result.status).toBe("rejected");
    if (result.status === "rejected") expect(result.error.errorType).toBe("conversation_expired");
    await waitFor(
      "the identity retired",
      async () =>
        (await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } })).status === "retired",
      10_000,
    );
  });

  it("a restart survives a worker restart: restarted while no worker runs, the next worker makes it live", async () => {
    await run.closeAll();
    expect(await restartAgent(a.agentId, "admin:test")).toBe("ready");
    await run.start();
    const row = await waitFor(
      "live again",
      async () => {
        const r = await agentRow(a.agentId);
        return r.status === "live" ? r : null;
      },
      20_000,
    );
    const current = row.identities.find((i) => i.status === "live");
    expect(current?.id).not.toBe(a.identityId);
    expect(row.events.filter((e) => e.kind === "handoff")).toHaveLength(2);
  });
});

describe("a joined agent", () => {
  let room: Group<unknown>;
  let agentId: string;
  let agentInbox: string;
  let identityId: string;

  async function waitLive(id: string) {
    return waitFor(
      "the joined agent live",
      async () => {
        const row = await agentRow(id);
        const current = row.identities.find((i) => i.status === "live");
        return row.status === "live" && current ? current : null;
      },
      40_000,
    );
  }

  it("stopped, it leaves the conversation; restarted, it joins again with a fresh identity", async () => {
    const conversation = await openTestConversation(tmp.dir, { name: "Book club" });
    conversations.push(conversation);
    room = conversation.group;
    const claim = await claimJoin({
      ownerId: null,
      templateId: null,
      name: "Librarian",
      instructions: "Finds books.",
      inviteUrl: conversation.url,
    });
    agentId = claim.agentId;
    const first = await waitLive(agentId);
    await stopAgent(agentId, { ownerId: null, actor: "admin:test" });
    await waitFor(
      "the kill line",
      async () => (await texts(room)).some((m) => m.text === "Librarian was stopped by an admin."),
      2_000,
      100,
    );
    await expectGone({ identityId: first.id, agentInbox: first.inboxId ?? "" }, room);

    expect(await restartAgent(agentId, "admin:test")).toBe("joining");
    const second = await waitLive(agentId);
    expect(second.id).not.toBe(first.id);
    expect(await memberIds(room)).toContain(second.inboxId);
    agentInbox = second.inboxId ?? "";
    identityId = second.id;
    await room.sendText("any good books?");
    await waitFor("an answer", async () =>
      (await texts(room)).some((m) => m.sender === agentInbox && OFFLINE.test(m.text)),
    );
  });

  it("removed from the group, it stops by itself and the owner sees why", async () => {
    await room.removeMembers([agentInbox]);
    const row = await waitFor(
      "stopped by itself",
      async () => {
        const r = await agentRow(agentId);
        return r.status === "stopped" ? r : null;
      },
      10_000,
    );
    expect(row.stopReason).toBe("removed");
    expect(
      row.events.some((e) => stoppedEventText(e.data) === "Stopped: removed from its conversation"),
    ).toBe(true);
    await waitFor(
      "the identity retired",
      async () =>
        (await run.db.identity.findUniqueOrThrow({ where: { id: identityId } })).status === "retired",
      10_000,
    );
    expect(run.worker?.running()).not.toContain(identityId);
  });
});

describe("the heartbeat's fallback", () => {
  it("a stop written without a notification is still carried out within a few heartbeats", async () => {
    const f = await launchAndJoin(tmp.dir, "Fallback", "Checks.");
    // No NOTIFY: as if the notification were lost.
    await run.db.agent.update({
      where: { id: f.agentId },
      data: { status: "stopped", stopReason: "admin" },
    });
    await waitFor(
      "the kill line",
      async () => (await texts(f.group)).some((m) => m.text === "Fallback was stopped by an admin."),
      3_000,
      100,
    );
    await expectGone(f, f.group);
  });
});

describe("the agent follows its conversation", () => {
  async function stoppedWith(agentId: string, reason: string) {
    const row = await waitFor(
      `stopped (${reason})`,
      async () => {
        const r = await agentRow(agentId);
        return r.status === "stopped" ? r : null;
      },
      15_000,
    );
    expect(row.stopReason).toBe(reason);
    await waitFor(
      "its identities retired",
      async () => (await agentRow(agentId)).identities.every((i) => i.status === "retired"),
      10_000,
    );
    return row;
  }

  it("when the last other member leaves, it stops by itself", async () => {
    const b = await launchAndJoin(tmp.dir, "Lonely", "Waits.");
    await b.group.requestRemoval();
    const row = await stoppedWith(b.agentId, "alone");
    expect(
      row.events.some((e) => stoppedEventText(e.data) === "Stopped: left alone in its conversation"),
    ).toBe(true);
  });

  it("when its conversation explodes, it stops by itself", async () => {
    const conversation = await openTestConversation(tmp.dir, { name: "Short-lived" });
    conversations.push(conversation);
    const room = conversation.group;
    const claim = await claimJoin({
      ownerId: null,
      templateId: null,
      name: "Guest",
      instructions: "Visits.",
      inviteUrl: conversation.url,
    });
    await waitFor("live", async () => (await agentRow(claim.agentId)).status === "live", 40_000);
    // Explode: the announcement, then the expiry in the group's metadata.
    const expiresAt = new Date(Date.now() + 1_000);
    await sendWithCodec(room, explodeSettingsCodec, { expiresAt });
    await room.updateAppData(
      updateAppData(room.appData, { expiresAtUnix: Math.floor(expiresAt.getTime() / 1000) }),
    );
    await stoppedWith(claim.agentId, "expired");
  });
});
