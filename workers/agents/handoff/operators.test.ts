/**
 * Operators managed by the owner and from the chat, against the real parts
 * (embedded PostgreSQL, the local XMTP node, real clients): the owner sees and
 * removes operators, a one-time operator code makes whoever posts it an
 * operator (once), and `/allow` / `/deny` fill the allowlist from the chat.
 * An owned agent's first operator is whoever posts the code its page shows,
 * never whoever joins first: a stranger with the invite link gets the
 * explanation, for a launch and for a join-claim alike.
 * A silence is checked with a barrier: messages are handled in order.
 */
import { describe, expect, it } from "vitest";
import type { Group } from "@xmtp/node-sdk";
import { join } from "@/lib/convos";
import { newIdentity, openTestConversation, waitFor, type Identity } from "@/test/convos";
import { claimWarmIdentity } from "@/lib/agents/claim-warm-identity";
import { claimJoin } from "@/lib/agents/join-claim";
import {
  allowInbox,
  createOperatorCode,
  ensureOperatorCode,
  operatorsForOwner,
  removeOperator,
} from "@/lib/agents/operators";
import { operatorWelcome, pairingText } from "@/workers/agents/answer/answer";
import { HELP, noOperatorYet, REFUSED } from "@/workers/agents/answer/commands";
import {
  ask,
  joinAs,
  launchAndJoin,
  testSettings,
  withRunningWorker,
  type LaunchedForTest,
} from "@/test/worker";
import { texts } from "@/test/xmtp-clients";

const run = withRunningWorker({ idle: 2, prefix: "agents-operators" });
const { tmp } = run;

const OFFLINE = /no language model is configured/;
let a: LaunchedForTest;
let ownerId: string;
let guest: Identity;
let guestGroup: Group<unknown>;

const agentSaid = async (group: Group<unknown>, inbox: string) =>
  (await texts(group)).filter((m) => m.sender === inbox).map((m) => m.text);

describe("operators", () => {
  it("the owner sees the operator and can remove them; only the owner can", async () => {
    a = await launchAndJoin(tmp.dir, "Helper", "Helps.");
    const owner = await run.db.user.create({ data: { email: "owner@example.test" } });
    const other = await run.db.user.create({ data: { email: "other@example.test" } });
    ownerId = owner.id;
    await run.db.agent.update({ where: { id: a.agentId }, data: { ownerId } });

    expect(await operatorsForOwner(a.agentId, other.id)).toBeNull();
    const view = await operatorsForOwner(a.agentId, ownerId);
    expect(view?.operators.map((o) => o.inboxId)).toEqual([a.operator.client.inboxId]);
    expect(await ask(a.group, a.agentInbox, "/help")).toEqual([HELP]);

    await expect(removeOperator(a.agentId, other.id, a.operator.client.inboxId)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(removeOperator(a.agentId, ownerId, "not an inbox")).rejects.toMatchObject({
      code: "invalid_inbox_id",
    });
    await removeOperator(a.agentId, ownerId, a.operator.client.inboxId);
    expect((await operatorsForOwner(a.agentId, ownerId))?.operators).toEqual([]);
    // Nobody steers it now: a former operator's command is told how the owner becomes one again.
    expect(await ask(a.group, a.agentInbox, "/help")).toEqual([
      noOperatorYet(a.agentId, testSettings().PUBLIC_URL),
    ]);
    expect(await agentSaid(a.group, a.agentInbox)).not.toContain(REFUSED);
  });

  it("a one-time operator code makes whoever posts it an operator, once", async () => {
    const code = await createOperatorCode(a.agentId, ownerId);
    expect((await operatorsForOwner(a.agentId, ownerId))?.operatorCode).toBe(code);
    guest = await newIdentity(tmp.dir);
    const joined = await join(a.inviteUrl, {
      client: guest.client,
      env: "local",
      profile: { name: "Sam" },
      timeoutMs: 30_000,
      syncIntervalMs: 300,
    });
    if (joined.status !== "joined") throw new Error(`join failed: ${joined.status}`);
    guestGroup = joined.group;
    expect(await ask(guestGroup, a.agentInbox, code.toLowerCase())).toEqual([operatorWelcome("Helper")]);
    expect(await ask(guestGroup, a.agentInbox, "/help")).toEqual([HELP]);
    const view = await operatorsForOwner(a.agentId, ownerId);
    // The owner sees the new operator by their Convos profile name.
    expect(view?.operators).toEqual([{ inboxId: guest.client.inboxId, name: "Sam" }]);
    expect(view?.operatorCode).toBeNull();

    // Spent: the same code from the former operator is a plain message (a pairing code under `pairing`).
    const [reply] = await ask(a.group, a.agentInbox, code);
    expect(reply).toBe(pairingText(/approve ([A-Z0-9]{6})/.exec(reply)?.[1] ?? ""));
    expect((await operatorsForOwner(a.agentId, ownerId))?.operators).toHaveLength(1);
  });

  it("/allow and /deny fill the allowlist from the chat; the owner can add too", async () => {
    const friend = await newIdentity(tmp.dir);
    const friendGroup = await joinAs(friend, a.inviteUrl);
    expect((await ask(guestGroup, a.agentInbox, "/policy allowlist"))[0]).toMatch(/^Policy set to allowlist/);
    expect(await ask(guestGroup, a.agentInbox, "/allow nonsense")).toEqual([
      "An inbox id is 64 hexadecimal characters.",
    ]);
    expect(await ask(guestGroup, a.agentInbox, `/allow ${friend.client.inboxId}`)).toEqual([
      "Added to my allowlist.",
    ]);
    expect((await ask(friendGroup, a.agentInbox, "hello?"))[0]).toMatch(OFFLINE);

    expect(await ask(guestGroup, a.agentInbox, `/deny ${friend.client.inboxId}`)).toEqual([
      "Taken off my allowlist.",
    ]);
    const before = (await agentSaid(guestGroup, a.agentInbox)).length;
    await friendGroup.sendText("still allowed?");
    await ask(guestGroup, a.agentInbox, "barrier");
    expect((await agentSaid(guestGroup, a.agentInbox)).length - before).toBe(1);

    await allowInbox(a.agentId, friend.client.inboxId, ownerId);
    expect((await operatorsForOwner(a.agentId, ownerId))?.allowlist).toEqual([friend.client.inboxId]);
    expect((await ask(friendGroup, a.agentInbox, "and now?"))[0]).toMatch(OFFLINE);
  });
});

/** A user who owns what they launch, and a waiter for the pool to have an identity to launch with. */
async function newOwner(email: string) {
  const owner = await run.db.user.create({ data: { email } });
  await waitFor(
    "an idle identity",
    async () => (await run.db.identity.count({ where: { status: "idle" } })) > 0,
  );
  return owner.id;
}

/** The agent's answers in `group` once it has said `count` more than `before`. */
const nextSaid = (group: Group<unknown>, inbox: string, before: number, count = 1) =>
  waitFor(`${count} more from the agent`, async () => {
    const said = await agentSaid(group, inbox);
    return said.length >= before + count ? said.slice(before) : null;
  });

describe("an owned agent's first operator", () => {
  it("a stranger who joins a launch first cannot take the commands; the owner who posts the page's code can", async () => {
    const owner = await newOwner("launcher@example.test");
    const claim = await claimWarmIdentity({
      ownerId: owner,
      templateId: null,
      name: "Keeper",
      instructions: "Keeps.",
    });
    const identity = await run.db.identity.findUniqueOrThrow({ where: { id: claim.identityId } });
    const inbox = identity.inboxId ?? "";

    // The stranger got the link first: greeted, told how the owner steers it, and steers nothing.
    const stranger = await newIdentity(tmp.dir);
    const strangerGroup = await joinAs(stranger, claim.inviteUrl);
    const [greeting] = await nextSaid(strangerGroup, inbox, 0);
    for (const command of ["/policy open", "/invite Mine", `/join ${claim.inviteUrl}`, "/help"])
      expect(await ask(strangerGroup, inbox, command)).toEqual([
        noOperatorYet(claim.agentId, testSettings().PUBLIC_URL),
      ]);
    const agent = await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } });
    expect(agent).toMatchObject({ dmPolicy: "pairing", operators: [] });
    expect(greeting).toBe(
      `Hi, I'm Keeper! Keeps.\n${noOperatorYet(claim.agentId, testSettings().PUBLIC_URL)}`,
    );
    expect(await run.db.identity.count({ where: { agentId: claim.agentId } })).toBe(1);
    // It still answers per its policy: under `pairing` the stranger gets a pairing code.
    // Nobody can approve it yet, so the reply also says how the owner takes over.
    const [pairing] = await ask(strangerGroup, inbox, "hello?");
    expect(pairing).toBe(
      `${pairingText(/approve ([A-Z0-9]{6})/.exec(pairing)?.[1] ?? "")}\n${noOperatorYet(claim.agentId, testSettings().PUBLIC_URL)}`,
    );

    // The owner's page shows a code (another user's visit makes none); the owner posts it and steers the agent.
    const other = await newOwner("nosy@example.test");
    await ensureOperatorCode(claim.agentId, other);
    expect((await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).operatorCode).toBeNull();
    await ensureOperatorCode(claim.agentId, owner);
    await ensureOperatorCode(claim.agentId, owner); // a second visit keeps the same code
    const code = (await operatorsForOwner(claim.agentId, owner))?.operatorCode ?? "";
    expect(code).toMatch(/^[A-Z2-9]{10}$/);
    const me = await newIdentity(tmp.dir);
    const myGroup = await joinAs(me, claim.inviteUrl);
    expect(await ask(myGroup, inbox, code)).toEqual([operatorWelcome("Keeper")]);
    expect((await ask(myGroup, inbox, "/policy open"))[0]).toMatch(/^Policy set to open/);
    expect(await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).toMatchObject({
      dmPolicy: "open",
      operators: [me.client.inboxId],
      operatorCode: null,
    });
    // Steered now: the page makes no new code, and the stranger is refused like any non-operator.
    await ensureOperatorCode(claim.agentId, owner);
    expect((await operatorsForOwner(claim.agentId, owner))?.operatorCode).toBeNull();
    expect(await ask(strangerGroup, inbox, "/policy disabled")).toEqual([REFUSED]);
  });

  it("a join-claim does not make the invite's creator the operator; the owner's code does", async () => {
    const owner = await newOwner("joiner@example.test");
    const room = await openTestConversation(tmp.dir, { name: "Book club" });
    try {
      const claim = await claimJoin({
        ownerId: owner,
        templateId: null,
        name: "Librarian",
        instructions: "Finds books.",
        inviteUrl: room.url,
      });
      const joiner = await waitFor(
        "the agent live in the room",
        async () => {
          const row = await run.db.identity.findFirst({ where: { agentId: claim.agentId, status: "live" } });
          return row?.inboxId ?? null;
        },
        40_000,
      );
      expect(await ask(room.group, joiner, "/policy open")).toEqual([
        noOperatorYet(claim.agentId, testSettings().PUBLIC_URL),
      ]);
      expect((await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).operators).toEqual([]);
      await ensureOperatorCode(claim.agentId, owner);
      const code = (await operatorsForOwner(claim.agentId, owner))?.operatorCode ?? "";
      expect(await ask(room.group, joiner, code)).toEqual([operatorWelcome("Librarian")]);
      expect((await ask(room.group, joiner, "/policy open"))[0]).toMatch(/^Policy set to open/);
      expect((await run.db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).operators).toEqual([
        room.creator.client.inboxId,
      ]);
    } finally {
      await room.stop();
    }
  });
});
