/** Retention on a real PostgreSQL: old rows go, recent ones and approved pairings stay, in batches. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { PRUNE_BATCH, pruneOlderThan } from "./prune";

const database = withTestDatabase();
const DAY = 24 * 60 * 60 * 1000;

describe("pruneOlderThan", () => {
  it("deletes what is older than the cutoff and keeps the rest", async () => {
    const { db } = database();
    const old = new Date(Date.now() - 40 * DAY);
    const recent = new Date(Date.now() - DAY);
    const cutoff = new Date(Date.now() - 30 * DAY);
    const agent = await db.agent.create({ data: { name: "A", instructions: "" } });
    await db.handledMessage.createMany({
      data: [
        ...Array.from({ length: PRUNE_BATCH + 3 }, (_, i) => ({
          identityId: "i1",
          messageId: `old-${i}`,
          kind: "answered",
          handledAt: old,
        })),
        { identityId: "i1", messageId: "new", kind: "answered", handledAt: recent },
      ],
    });
    await db.event.createMany({
      data: [
        { kind: "claim", agentId: agent.id, createdAt: old },
        { kind: "claim", agentId: agent.id, createdAt: recent },
      ],
    });
    await db.pairingRequest.createMany({
      data: [
        { agentId: agent.id, inboxId: "pending-old", code: "AAAAAA", createdAt: old },
        { agentId: agent.id, inboxId: "approved-old", code: "BBBBBB", createdAt: old, approvedAt: old },
        { agentId: agent.id, inboxId: "pending-new", code: "CCCCCC", createdAt: recent },
      ],
    });
    await db.verificationToken.createMany({
      data: [
        { identifier: "a@x.test", token: "old", expires: old },
        { identifier: "a@x.test", token: "new", expires: new Date(Date.now() + DAY) },
      ],
    });
    await db.agent.update({ where: { id: agent.id }, data: { tokensHeld: 20 } });
    await db.tokenReservation.createMany({
      data: [
        { id: "stale", agentId: agent.id, tokens: 10, createdAt: new Date(Date.now() - 60 * 60 * 1000) },
        { id: "live", agentId: agent.id, tokens: 10 },
      ],
    });
    // Idempotency keys go after their own 24 h, well before the cutoff.
    await db.idempotencyKey.createMany({
      data: [
        {
          scope: "user:u",
          key: "past-window",
          fingerprint: "f",
          createdAt: new Date(Date.now() - 25 * 60 * 60 * 1000),
        },
        {
          scope: "user:u",
          key: "in-window",
          fingerprint: "f",
          createdAt: new Date(Date.now() - 23 * 60 * 60 * 1000),
        },
      ],
    });
    // Sent files: one expired, one older than the cutoff (a longer retention then), one still served.
    const blob = (id: string, createdAt: Date, expiresAt: Date) => ({
      id: id.padEnd(32, "x"),
      agentId: agent.id,
      size: 3,
      data: new Uint8Array([1, 2, 3]),
      createdAt,
      expiresAt,
    });
    await db.blob.createMany({
      data: [
        blob("expired", recent, new Date(Date.now() - 1000)),
        blob("old", old, new Date(Date.now() + DAY)),
        blob("live", recent, new Date(Date.now() + DAY)),
      ],
    });

    expect(await pruneOlderThan(cutoff)).toEqual({
      handledMessages: PRUNE_BATCH + 3,
      events: 1,
      pairingRequests: 1,
      verificationTokens: 1,
      tokenReservations: 1,
      idempotencyKeys: 1,
      blobs: 2,
    });
    expect((await db.blob.findMany()).map((r) => r.id)).toEqual(["live".padEnd(32, "x")]);
    expect((await db.handledMessage.findMany()).map((r) => r.messageId)).toEqual(["new"]);
    expect(await db.event.count()).toBe(1);
    expect((await db.pairingRequest.findMany({ orderBy: { inboxId: "asc" } })).map((r) => r.inboxId)).toEqual(
      ["approved-old", "pending-new"],
    );
    expect((await db.verificationToken.findMany()).map((r) => r.token)).toEqual(["new"]);
    expect((await db.tokenReservation.findMany()).map((r) => r.id)).toEqual(["live"]);
    expect((await db.idempotencyKey.findMany()).map((r) => r.key)).toEqual(["in-window"]);
    expect((await db.agent.findUniqueOrThrow({ where: { id: agent.id } })).tokensHeld).toBe(10);
    expect(await pruneOlderThan(cutoff)).toMatchObject({ handledMessages: 0, events: 0 });
  });
});
