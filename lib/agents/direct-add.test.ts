/**
 * A direct-add claim on a real PostgreSQL: what it hands out and stamps, and every bad input refused with a
 * clear error and nothing claimed.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { AppError } from "@/lib/errors";
import { claimAgent, type ClaimInput } from "./claim";
import { addLink, parseInboxId } from "./direct-add";
import { inviteUrlForOwner, ownerConversationInvite } from "./queries";

const database = withTestDatabase();
const INBOX = "ab".repeat(32);

beforeEach(async () => {
  const { db } = database();
  await db.event.deleteMany();
  await db.identity.deleteMany();
  await db.agent.deleteMany();
  await db.poolSetting.deleteMany();
  for (let i = 0; i < 2; i++)
    await db.identity.create({
      data: {
        status: "idle",
        inboxId: String(i).repeat(64),
        conversationId: `c-${i}`,
        inviteUrl: `https://dev.convos.org/v2?i=s${i}`,
      },
    });
});

async function refused(input: Partial<ClaimInput>): Promise<AppError> {
  const error = await claimAgent({ ownerId: null, instructions: "Helps.", ...input }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  // Nothing half-done: no agent, both identities still in the pool.
  const { db } = database();
  expect(await db.agent.count()).toBe(0);
  expect(await db.identity.count({ where: { status: "idle", agentId: null } })).toBe(2);
  return error as AppError;
}

describe("a direct-add claim", () => {
  it("hands out the inbox id and a link instead of the invite, and stamps the wait and the adder", async () => {
    const before = Date.now();
    const claim = await claimAgent({
      ownerId: null,
      name: "Helper",
      instructions: "Helps.",
      directAdd: true,
      adderInboxId: ` 0x${INBOX.toUpperCase()} `,
    });
    expect(claim.inviteUrl).toBeUndefined();
    expect(claim.inboxId).toMatch(/^[0-9]{64}$/);
    expect(claim.addLink).toBe(addLink(claim.inboxId ?? ""));
    const { db } = database();
    const identity = await db.identity.findUniqueOrThrow({ where: { id: claim.identityId } });
    expect(identity).toMatchObject({ status: "claimed", agentId: claim.agentId, addExpectedFrom: INBOX });
    const waitMs = (identity.addDeadline?.getTime() ?? 0) - before;
    expect(waitMs).toBeGreaterThan(9 * 60_000);
    expect(waitMs).toBeLessThan(11 * 60_000);
    expect(await db.agent.findUniqueOrThrow({ where: { id: claim.agentId } })).toMatchObject({
      source: "direct",
      status: "ready",
      greeting: null,
    });
  });

  it("never shows its owner the warm invite it does not use", async () => {
    const { db } = database();
    const owner = await db.user.create({ data: { email: `owner-${Date.now()}@example.test` } });
    const claim = await claimAgent({ ownerId: owner.id, instructions: "Helps.", directAdd: true });
    expect(await inviteUrlForOwner(claim.agentId, claim.identityId ?? "", owner.id)).toBeNull();
    expect(await ownerConversationInvite(claim.agentId, owner.id)).toBeNull();
  });

  it("refuses an adder that is not an inbox id", async () => {
    for (const adderInboxId of ["", "not-an-inbox", "ab".repeat(31), `${INBOX}00`, "zz".repeat(32)]) {
      const error = await refused({ directAdd: true, adderInboxId });
      expect(error.code).toBe("invalid_inbox_id");
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/64 hexadecimal characters/);
    }
  });

  it("refuses one of our own agents' inboxes as the adder", async () => {
    const error = await refused({ directAdd: true, adderInboxId: "0".repeat(64) });
    expect(error).toMatchObject({ code: "own_inbox", status: 400 });
  });

  it("refuses a direct add together with an invite to join, and an adder without a direct add", async () => {
    const both = await refused({ directAdd: true, joinUrl: "https://dev.convos.org/v2?i=abc" });
    expect(both).toMatchObject({ code: "invalid_input", status: 400 });
    expect(both.message).toMatch(/Choose one/);
    const adderOnly = await refused({ adderInboxId: INBOX });
    expect(adderOnly).toMatchObject({ code: "invalid_input", status: 400 });
    expect(adderOnly.message).toMatch(/only for a direct add/);
  });

  it("parses inbox ids as XMTP writes them", () => {
    expect(parseInboxId(`0x${INBOX.toUpperCase()}`)).toBe(INBOX);
    expect(() => parseInboxId("0x")).toThrow(AppError);
  });
});
