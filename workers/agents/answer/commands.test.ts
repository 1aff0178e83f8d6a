/**
 * Operators, commands and dmPolicy against the real parts (embedded
 * PostgreSQL, the local XMTP node, real clients), with the offline responder.
 * A silence is checked with a barrier: messages are handled in order, so once
 * a later message is answered, the earlier one never will be.
 */
import { describe, expect, it } from "vitest";
import { MemberKind, resolveProfiles } from "@/lib/convos";
import { profileUpdateCodec, sendWithCodec } from "@/lib/convos/codecs";
import { newIdentity, openTestConversation, waitFor, type Identity } from "@/test/convos";
import type { Group } from "@xmtp/node-sdk";
import { pairingText } from "./answer";
import { HELP, REFUSED } from "./commands";
import { ask, joinAs, launchAndJoin, withRunningWorker, type LaunchedForTest } from "@/test/worker";
import { texts } from "@/test/xmtp-clients";

const run = withRunningWorker({ idle: 3, prefix: "agents-commands" });
const { tmp } = run;

const OFFLINE = /no language model is configured/;
let a: LaunchedForTest;
let guest: Identity;
let guestGroup: Group<unknown>;

/** Messages from the agent to `group` since index `from`. */
const agentSaid = async (group: Group<unknown>, inbox: string) =>
  (await texts(group)).filter((m) => m.sender === inbox).map((m) => m.text);

describe("operators and dmPolicy", () => {
  it("the first joiner is the operator; a stranger gets one pairing code and silence until approved", async () => {
    a = await launchAndJoin(tmp.dir, "Helper", "Helps.");
    expect((await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } })).operators).toEqual([
      a.operator.client.inboxId,
    ]);
    expect((await ask(a.group, a.agentInbox, "hello"))[0]).toMatch(OFFLINE);

    guest = await newIdentity(tmp.dir);
    guestGroup = await joinAs(guest, a.inviteUrl);
    const [pairing] = await ask(guestGroup, a.agentInbox, "hi, who are you?");
    const code = /approve ([A-Z0-9]{6})/.exec(pairing)?.[1] ?? "";
    expect(pairing).toBe(pairingText(code));
    const before = (await agentSaid(a.group, a.agentInbox)).length;
    await guestGroup.sendText("still there?"); // pending: no answer, no second code
    await ask(a.group, a.agentInbox, "/help"); // barrier
    const said = await agentSaid(a.group, a.agentInbox);
    expect(said.slice(before)).toEqual([HELP]);

    expect(await ask(a.group, a.agentInbox, `/approve ${code.toLowerCase()}`)).toEqual([
      "Approved: I'll answer them from now on.",
    ]);
    expect((await ask(guestGroup, a.agentInbox, "now?"))[0]).toMatch(OFFLINE);
    expect(await run.db.pairingRequest.count({ where: { agentId: a.agentId } })).toBe(1);
  });

  it("under pairing, a non-operator's commands get no reply (no amplifier); unknown ones help operators", async () => {
    const before = (await agentSaid(a.group, a.agentInbox)).length;
    for (const command of ["/invite Secret", "/policy open", "/help", "/frobnicate"])
      await guestGroup.sendText(command);
    expect(await ask(a.group, a.agentInbox, "/frobnicate")).toEqual([HELP]); // barrier: handled in order
    expect((await agentSaid(a.group, a.agentInbox)).slice(before)).toEqual([HELP]);
    expect(await run.db.identity.count({ where: { agentId: a.agentId } })).toBe(1);
    expect((await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } })).dmPolicy).toBe("pairing");
  });

  it("disabled answers operators only, allowlist only listed ids, open everyone", async () => {
    expect((await ask(a.group, a.agentInbox, "/policy disabled"))[0]).toMatch(/^Policy set to disabled/);
    const count = async () => (await agentSaid(a.group, a.agentInbox)).length;
    let before = await count();
    await guestGroup.sendText("disabled?");
    await guestGroup.sendText("/help");
    expect((await ask(a.group, a.agentInbox, "operator here"))[0]).toMatch(OFFLINE);
    expect((await count()) - before).toBe(1);

    expect((await ask(a.group, a.agentInbox, "/policy allowlist"))[0]).toMatch(/^Policy set to allowlist/);
    before = await count();
    await guestGroup.sendText("allowlist, not listed");
    await ask(a.group, a.agentInbox, "barrier");
    expect((await count()) - before).toBe(1);
    await run.db.agent.update({ where: { id: a.agentId }, data: { allowlist: [guest.client.inboxId] } });
    expect((await ask(guestGroup, a.agentInbox, "listed now"))[0]).toMatch(OFFLINE);

    expect(await ask(guestGroup, a.agentInbox, "/policy open")).toEqual([REFUSED]); // allowlist: refused politely
    expect((await ask(a.group, a.agentInbox, "/policy open"))[0]).toMatch(/^Policy set to open/);
    expect(await ask(guestGroup, a.agentInbox, "/invite Secret")).toEqual([REFUSED]);
    const stranger = await newIdentity(tmp.dir);
    const strangerGroup = await joinAs(stranger, a.inviteUrl);
    expect((await ask(strangerGroup, a.agentInbox, "open?"))[0]).toMatch(OFFLINE);
    expect((await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } })).dmPolicy).toBe("open");
  });
});

describe("/invite and /join", () => {
  it("/invite opens a named conversation under another inbox, which answers", async () => {
    const [reply] = await ask(a.group, a.agentInbox, "/invite Side chat", 1, 30_000);
    const url = /Invite link: (\S+)/.exec(reply)?.[1] ?? "";
    expect(url).toMatch(/^https:\/\/dev\.convos\.org\/v2\?i=/);
    const friend = await newIdentity(tmp.dir);
    const side = await joinAs(friend, url);
    await side.sync();
    expect(side.name).toBe("Side chat");
    // Marked live once its runtime is up, which may be a moment after that runtime let the friend in.
    const extra = await waitFor("the extra conversation's identity live", async () => {
      const row = await run.db.identity.findFirstOrThrow({
        where: { agentId: a.agentId, isOwnerConversation: false },
      });
      return row.status === "live" ? row : null;
    });
    expect(extra.inboxId).not.toBe(a.agentInbox);
    const members = (await side.members()).map((m) => m.inboxId);
    expect(members).toContain(extra.inboxId);
    expect(members).not.toContain(a.agentInbox);
    await waitFor("the greeting there", async () =>
      (await texts(side)).some((m) => m.text.startsWith("Hi, I'm Helper")),
    );
    // The newcomer sees the agent's profile (the creator's snapshot carries its profile_update): named, kind agent.
    const profiles = resolveProfiles(await side.messages(), side.appData);
    expect(profiles.get(extra.inboxId ?? "")).toMatchObject({ name: "Helper", memberKind: MemberKind.Agent });
    expect((await ask(side, extra.inboxId ?? "", "hi from the side"))[0]).toMatch(OFFLINE); // policy is open
    // The friend is not an operator: commands in that conversation are plain messages, never run.
    expect(await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } })).toMatchObject({
      operators: [a.operator.client.inboxId],
    });
  });

  it("/join joins another conversation with a fresh identity and reports it; a bad link gets one line", async () => {
    expect(await ask(a.group, a.agentInbox, "/join https://example.com/nope")).toEqual([
      "That is not a Convos invite link. Paste the invite URL from the Convos app.",
    ]);
    const { group: room, url, stop } = await openTestConversation(tmp.dir, { name: "Book club" });
    try {
      const replies = await ask(a.group, a.agentInbox, `/join ${url}`, 2, 40_000);
      expect(replies).toEqual(["Joining that conversation…", "Joined: I'm in that conversation now."]);
      const joiner = await run.db.identity.findFirstOrThrow({
        where: { agentId: a.agentId, role: "joiner" },
      });
      expect(joiner).toMatchObject({ status: "live", conversationId: room.id, isOwnerConversation: false });
      await room.sync();
      const members = (await room.members()).map((m) => m.inboxId);
      expect(members).toContain(joiner.inboxId);
      expect(members).not.toContain(a.agentInbox);
      expect((await run.db.agent.findUniqueOrThrow({ where: { id: a.agentId } })).status).toBe("live");
    } finally {
      await stop();
    }
  });

  it("an operator whose client calls itself an agent (as the official CLI does) keeps its commands", async () => {
    // Three members, and no message names the agent: the loop rule would answer none of its texts.
    await sendWithCodec(a.group, profileUpdateCodec, {
      name: "Scripted owner",
      memberKind: MemberKind.Agent,
    });
    for (let i = 0; i < 4; i++) expect(await ask(a.group, a.agentInbox, "/help")).toEqual([HELP]);
  });
});
