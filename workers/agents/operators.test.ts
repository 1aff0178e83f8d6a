/**
 * Operators managed by the owner and from the chat, against the real parts
 * (embedded PostgreSQL, the local XMTP node, real clients): the owner sees and
 * removes operators, a one-time operator code makes whoever posts it an
 * operator (once), and `/allow` / `/deny` fill the allowlist from the chat.
 * A silence is checked with a barrier: messages are handled in order.
 */
import { describe, expect, it } from "vitest";
import type { Group } from "@xmtp/node-sdk";
import { join } from "@/lib/convos";
import { newIdentity, waitFor, type Identity } from "@/test/convos";
import { allowInbox, createOperatorCode, operatorsForOwner, removeOperator } from "@/lib/agents/operators";
import { operatorWelcome, pairingText } from "./answer";
import { HELP, REFUSED } from "./commands";
import { ask, joinAs, launchAndJoin, withRunningWorker, type LaunchedForTest } from "../../test/worker";
import { texts } from "../../test/xmtp-clients";

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
    // A former operator is a stranger under `pairing`: their command is handled, and gets no reply at all.
    const said = async () =>
      (await texts(a.group)).filter((m) => m.sender === a.agentInbox).map((m) => m.text);
    const before = await said();
    const helpId = await a.group.sendText("/help");
    await waitFor("the former operator's /help handled", async () => {
      const row = await run.db.handledMessage.findUnique({
        where: { identityId_messageId: { identityId: a.identityId, messageId: helpId } },
      });
      return row?.kind === "skipped";
    });
    expect(await said()).toEqual(before);
    expect(before).not.toContain(REFUSED);
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
