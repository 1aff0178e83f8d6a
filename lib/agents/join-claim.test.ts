import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createInvite, generateTag, updateAppData } from "@/lib/convos";
import { AppError } from "@/lib/errors";
import { withTestDatabase } from "@/test/db";
import { restartAgent, stopAgent } from "./mutations";
import { AlreadyJoinedError } from "./errors";
import { claimJoin } from "./join-claim";

process.env.XMTP_ENV = "local";
const database = withTestDatabase();

function someoneElsesInvite(opts: { env?: "local" | "production"; expiresAtUnix?: number } = {}) {
  const creatorInboxId = randomBytes(32).toString("hex");
  const invite = createInvite({
    conversationId: randomBytes(16).toString("hex"),
    creatorInboxId,
    privateKey: randomBytes(32),
    appData: updateAppData(undefined, { tag: generateTag() }),
    env: opts.env ?? "local",
    expiresAtUnix: opts.expiresAtUnix,
  });
  return { url: invite.url, creatorInboxId };
}

const request = { ownerId: null, templateId: null, name: "Helper", instructions: "Help." };

async function expectRefused(inviteUrl: string, code: string) {
  const before = await database().db.agent.count();
  const error = await claimJoin({ ...request, inviteUrl }).catch((e) => e);
  expect(error).toBeInstanceOf(AppError);
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(10);
  expect(await database().db.agent.count()).toBe(before);
}

describe("claimJoin", () => {
  it("creates a joining agent for a valid invite and records the claim", async () => {
    const { url } = someoneElsesInvite();
    const claim = await claimJoin({ ...request, inviteUrl: url });
    const agent = await database().db.agent.findUniqueOrThrow({ where: { id: claim.agentId } });
    expect(agent).toMatchObject({ status: "joining", source: "join", name: "Helper" });
    expect(agent.joinUrl).toMatch(/^https:\/\/dev\.convos\.org\/v2\?i=/);
    expect(await database().db.event.count({ where: { kind: "claim", agentId: claim.agentId } })).toBe(1);
  });

  it("never claims the same invite twice, even concurrently", async () => {
    const { url } = someoneElsesInvite();
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map(() => claimJoin({ ...request, inviteUrl: url })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused).toHaveLength(4);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AlreadyJoinedError);
  });

  it("refuses bad input with a clear error and stores nothing", async () => {
    await expectRefused("hello there", "invalid_invite_url");
    await expectRefused("https://dev.convos.org/v2?i=" + "A".repeat(80), "invalid_invite");
    await expectRefused("x".repeat(20_000), "invalid_invite_url");
    await expectRefused(
      someoneElsesInvite({ expiresAtUnix: Math.floor(Date.now() / 1000) - 60 }).url,
      "expired_invite",
    );
    await expectRefused(someoneElsesInvite({ env: "production" }).url, "wrong_environment");
  });

  it("refuses an invite for a conversation one of our own identities created", async () => {
    const { url, creatorInboxId } = someoneElsesInvite();
    await database().db.identity.create({ data: { status: "live", inboxId: creatorInboxId } });
    await expectRefused(url, "own_invite");
  });

  it("an invite can be used again once the agent that joined through it is stopped or failed", async () => {
    const { url } = someoneElsesInvite();
    const first = await claimJoin({ ...request, inviteUrl: url });
    await expect(claimJoin({ ...request, inviteUrl: url })).rejects.toBeInstanceOf(AlreadyJoinedError);
    await stopAgent(first.agentId, { ownerId: null, actor: "admin" });
    const second = await claimJoin({ ...request, inviteUrl: url });
    expect(second.agentId).not.toBe(first.agentId);
    // The first agent can't come back while the second is active through the same invite.
    await expect(restartAgent(first.agentId, "admin")).rejects.toMatchObject({ code: "invite_in_use" });
    await database().db.agent.update({ where: { id: second.agentId }, data: { status: "failed" } });
    const third = await claimJoin({ ...request, inviteUrl: url });
    expect(third.agentId).not.toBe(second.agentId);
    const ids = [first.agentId, second.agentId, third.agentId];
    expect(
      await database().db.agent.count({
        where: { id: { in: ids }, status: { notIn: ["stopped", "failed"] } },
      }),
    ).toBe(1);
  });
});
