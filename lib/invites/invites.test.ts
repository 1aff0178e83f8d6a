/**
 * The parts of invites that need no XMTP: reading the chat's options, finding a conversation by name or
 * number, the owner check of the agent page, and a request nobody carries out (cancelled, nothing changed).
 * The XMTP side, with the Convos CLI joining, is workers/agents/invites/invites.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import {
  agentConversations,
  findConversation,
  inviteStateText,
  ownersCreatedConversation,
} from "./conversations";
import { parseInviteArgs } from "./options";
import { changeInvites } from "./requests";

const database = withTestDatabase();

describe("the chat's invite options", () => {
  it("reads a name and the options in any order", () => {
    expect(parseInviteArgs("Trip to Rome --expires 24h --single-use")).toEqual({
      ok: true,
      name: "Trip to Rome",
      options: { expiresInSeconds: 86_400, singleUse: true },
    });
    expect(parseInviteArgs("--single-use --expires=30m")).toEqual({
      ok: true,
      name: "",
      options: { expiresInSeconds: 1_800, singleUse: true },
    });
    expect(parseInviteArgs("")).toEqual({ ok: true, name: "", options: { singleUse: false } });
  });

  it("refuses durations out of 5m–30d, malformed ones and unknown options in one line", () => {
    for (const bad of [
      "--expires 4m",
      "--expires 31d",
      "--expires 0h",
      "--expires soon",
      "--expires",
      "--expires 1y",
    ])
      expect(parseInviteArgs(bad)).toMatchObject({
        ok: false,
        error: expect.stringMatching(/--expires takes 5m to 30d/),
      });
    expect(parseInviteArgs("x --single-use=no")).toMatchObject({ ok: false });
    expect(parseInviteArgs("x --forever")).toEqual({
      ok: false,
      error: "Unknown option --forever: use --expires <duration> or --single-use.",
    });
  });
});

describe("an agent's conversations", () => {
  let agentId = "";
  let owned = "";
  let joined = "";
  beforeAll(async () => {
    const { db } = database();
    const owner = await db.user.create({ data: { email: "owner@example.com" } });
    await db.user.create({ data: { email: "other@example.com", id: "other" } });
    const agent = await db.agent.create({
      data: { name: "Keeper", instructions: "", ownerId: owner.id, status: "live" },
    });
    agentId = agent.id;
    const base = { agentId, status: "live" as const, inviteUrl: "https://dev.convos.org/v2?i=x" };
    owned = (
      await db.identity.create({ data: { ...base, isOwnerConversation: true, claimedAt: new Date(1) } })
    ).id;
    await db.identity.create({
      data: {
        ...base,
        conversationName: "Side  Chat",
        claimedAt: new Date(2),
        inviteSingleUse: true,
        inviteUsedAt: new Date(),
      },
    });
    joined = (
      await db.identity.create({
        data: { ...base, role: "joiner", conversationName: "Book club", claimedAt: new Date(3) },
      })
    ).id;
  });

  it("are listed owner conversation first and found by number or name", async () => {
    const list = await agentConversations(agentId, "Keeper");
    expect(list.map((c) => [c.number, c.name])).toEqual([
      [1, "Keeper"],
      [2, "Side  Chat"],
      [3, "Book club"],
    ]);
    expect(findConversation(list, "side chat")?.number).toBe(2);
    expect(findConversation(list, "3")?.identityId).toBe(joined);
    expect(findConversation(list, "Nope")).toBeNull();
    expect(list.map((c) => inviteStateText(c))).toEqual([
      "invite open, no expiry",
      "single-use invite, used",
      "joined: its invites are its creator's",
    ]);
  });

  it("the page's owner check: only the owner, only a conversation the agent created", async () => {
    const { db } = database();
    const ownerId = (await db.user.findUniqueOrThrow({ where: { email: "owner@example.com" } })).id;
    expect(await ownersCreatedConversation(agentId, owned, ownerId)).toBe(owned);
    expect(await ownersCreatedConversation(agentId, owned, "other")).toBeNull();
    expect(await ownersCreatedConversation(agentId, joined, ownerId)).toBeNull();
    expect(await agentConversations(agentId, "Keeper", "other")).toEqual([]);
  });

  it("a request no worker carries out is cancelled and changes nothing", async () => {
    const { db } = database();
    const before = await db.identity.findUniqueOrThrow({ where: { id: owned } });
    const outcome = await changeInvites(agentId, owned, { action: "lock" }, 300);
    expect(outcome.ok).toBe(false);
    expect(outcome.line).toMatch(/^Nothing changed: the worker running that conversation didn't get to it/);
    expect(await db.inviteRequest.findMany({ select: { status: true } })).toEqual([{ status: "cancelled" }]);
    expect(await db.identity.findUniqueOrThrow({ where: { id: owned } })).toEqual(before);
  });
});
