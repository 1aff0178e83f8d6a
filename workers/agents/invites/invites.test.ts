/**
 * Invites as an owner controls them, against the real parts (embedded PostgreSQL, the local XMTP node,
 * real clients, and the official Convos CLI as the person joining): /invite with --single-use and
 * --expires, /revoke, /lock, /unlock and /conversations, and the one-line refusals of bad input.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { changeInvites } from "@/lib/invites/requests";
import { joinByInvite, newIdentity, openTestConversation } from "@/test/convos";
import { cliJoin } from "@/test/convos-cli";
import { ask, joinAs, launchAndJoin, withRunningWorker, type LaunchedForTest } from "@/test/worker";
import { waitFor } from "@/test/wait-for";

const run = withRunningWorker({ idle: 3, prefix: "agents-invites" });
const { tmp } = run;
let a: LaunchedForTest;
let homes = 0;
const cliHome = () => path.join(tmp.dir, `cli-${++homes}`);
const linkIn = (reply: string) => /(https:\/\/\S+)/.exec(reply)?.[1] ?? "";

/** Nothing was asked of a worker and the agent's conversations are as they were. */
async function unchanged(identities: number) {
  expect(await run.db.inviteRequest.count()).toBe(0);
  expect(await run.db.identity.count({ where: { agentId: a.agentId } })).toBe(identities);
  const owner = await run.db.identity.findUniqueOrThrow({ where: { id: a.identityId } });
  expect(owner).toMatchObject({ inviteUrl: a.inviteUrl, lockedAt: null, inviteExpiresAt: null });
}

describe("invites an owner controls", () => {
  it("bad options and a conversation I don't have get one line and change nothing", async () => {
    a = await launchAndJoin(tmp.dir, "Keeper", "Keeps.");
    expect(await ask(a.group, a.agentInbox, "/invite Later --expires 90d")).toEqual([
      '"90d" is out of range: --expires takes 5m to 30d, like 30m, 24h or 7d.',
    ]);
    expect(await ask(a.group, a.agentInbox, "/invite --expires 1m")).toEqual([
      '"1m" is out of range: --expires takes 5m to 30d, like 30m, 24h or 7d.',
    ]);
    expect(await ask(a.group, a.agentInbox, "/revoke --expires soon")).toEqual([
      '"soon" is out of range: --expires takes 5m to 30d, like 30m, 24h or 7d.',
    ]);
    expect(await ask(a.group, a.agentInbox, "/invite X --forever")).toEqual([
      "Unknown option --forever: use --expires <duration> or --single-use.",
    ]);
    expect(await ask(a.group, a.agentInbox, "/revoke Book club")).toEqual([
      'I have no conversation called "Book club": /conversations lists mine.',
    ]);
    expect(await ask(a.group, a.agentInbox, "/lock 7")).toEqual([
      'I have no conversation called "7": /conversations lists mine.',
    ]);
    await unchanged(1);
  });

  it("a single-use link lets the CLI in once; its second use is refused", async () => {
    const [reply] = await ask(a.group, a.agentInbox, "/invite Once --single-use", 1, 40_000);
    expect(reply).toMatch(/^New conversation "Once" is ready\. Invite link \(single-use\): https:/);
    const first = await cliJoin(linkIn(reply), cliHome(), 45);
    expect(first.status, first.output).toBe("joined");
    const second = await cliJoin(linkIn(reply), cliHome(), 8);
    expect(second.status, second.output).toBe("timeout");
    const once = await run.db.identity.findFirstOrThrow({
      where: { agentId: a.agentId, conversationName: "Once" },
    });
    expect(
      await run.db.handledMessage.count({ where: { identityId: once.id, kind: "rejected" } }),
    ).toBeGreaterThan(0);
  });

  it("/revoke: the CLI is refused on the old link, and the new one works", async () => {
    const [reply] = await ask(a.group, a.agentInbox, "/revoke", 1, 30_000);
    expect(reply).toMatch(/^Revoked: earlier links to "Keeper" no longer work\. New invite link: https:/);
    const refused = await cliJoin(a.inviteUrl, cliHome(), 8);
    expect(refused.status, refused.output).toBe("timeout");
    const friend = await newIdentity(tmp.dir);
    await joinAs(friend, linkIn(reply));
  });

  it("the CLI refuses an expired link", async () => {
    const change = await changeInvites(a.agentId, a.identityId, {
      action: "revoke",
      expiresAt: new Date(Date.now() + 3_000),
    });
    expect(change.ok, change.line).toBe(true);
    const { inviteUrl, inviteExpiresAt } = await run.db.identity.findUniqueOrThrow({
      where: { id: a.identityId },
    });
    await waitFor("the invite to expire", async () => Date.now() > inviteExpiresAt!.getTime() + 500);
    const expired = await cliJoin(inviteUrl!, cliHome(), 8);
    expect(expired).toMatchObject({ status: "error" });
    expect(expired.output).toMatch(/Invite has expired/);
  });

  it("/conversations lists members and invites; /lock shuts the door and /unlock opens it with a new link", async () => {
    const [list] = await ask(a.group, a.agentInbox, "/conversations", 1, 30_000);
    expect(list.split("\n")).toEqual([
      "My conversations (2):",
      expect.stringMatching(/^1\. "Keeper" \(this one\): 3 members · invite expired at /),
      '2. "Once": 2 members · single-use invite, used',
    ]);
    expect(await ask(a.group, a.agentInbox, "/revoke 1")).toHaveLength(1);
    const { inviteUrl } = await run.db.identity.findUniqueOrThrow({ where: { id: a.identityId } });
    expect(await ask(a.group, a.agentInbox, "/lock Keeper", 1, 30_000)).toEqual([
      'Locked "Keeper": nobody new can join, and every invite link to it stopped working. /unlock opens it again.',
    ]);
    const stranger = await newIdentity(tmp.dir);
    expect((await joinByInvite(stranger, inviteUrl!, { timeoutMs: 6_000 })).status).not.toBe("joined");
    expect((await ask(a.group, a.agentInbox, "/conversations", 1, 30_000))[0]).toMatch(
      /1\. "Keeper" \(this one\): 3 members · locked: nobody new can join/,
    );
    const [unlocked] = await ask(a.group, a.agentInbox, "/unlock", 1, 30_000);
    expect(unlocked).toMatch(
      /^Unlocked "Keeper": links from before the lock stay dead\. New invite link: https:/,
    );
    await joinAs(stranger, linkIn(unlocked));
  });

  it("/revoke and /lock of a conversation I joined get one line and change nothing", async () => {
    const { url, stop } = await openTestConversation(tmp.dir, { name: "Book club" });
    try {
      expect(await ask(a.group, a.agentInbox, `/join ${url}`, 2, 40_000)).toEqual([
        "Joining that conversation…",
        "Joined: I'm in that conversation now.",
      ]);
      const requests = await run.db.inviteRequest.count();
      const joiner = await run.db.identity.findFirstOrThrow({
        where: { agentId: a.agentId, role: "joiner" },
      });
      for (const command of ["/revoke 3", "/lock 3"])
        expect(await ask(a.group, a.agentInbox, command)).toEqual([
          expect.stringMatching(/^I didn't create "[^"]+", I joined it: its invites are its creator's\.$/),
        ]);
      expect(await run.db.inviteRequest.count()).toBe(requests);
      expect(await run.db.identity.findUniqueOrThrow({ where: { id: joiner.id } })).toMatchObject({
        inviteUrl: joiner.inviteUrl,
        lockedAt: null,
      });
    } finally {
      await stop();
    }
  });
});
