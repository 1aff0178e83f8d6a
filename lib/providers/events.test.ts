/**
 * Provider events and usage on a real PostgreSQL: an event is recorded once per (provider, event id) and
 * announced; one for nobody of ours is recorded done; the worker's take holds the row against a second
 * taker, marks it done, or counts a failed attempt and gives up after the last; usage counts add up.
 */
import { Client } from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { waitFor } from "@/test/wait-for";
import {
  carryOutNextProviderEvent,
  ownerConversationsWithEvents,
  PROVIDER_EVENT_ATTEMPTS,
  PROVIDER_EVENT_CHANNEL,
  PROVIDER_EVENT_TAKE_MS,
  recordProviderEvent,
} from "./events";
import { countUsage, usageOf, usageTotals } from "./usage";

const database = withTestDatabase();
let agentId: string;

beforeEach(async () => {
  const { db } = database();
  await db.providerEvent.deleteMany();
  await db.providerUsage.deleteMany();
  await db.identity.deleteMany();
  await db.agent.deleteMany();
  agentId = (await db.agent.create({ data: { name: "Mailer", instructions: "Help.", status: "live" } })).id;
  for (const [id, isOwnerConversation] of [
    ["identity-owner", true],
    ["identity-extra", false],
  ] as const)
    await db.identity.create({
      data: {
        id,
        status: "live",
        agentId,
        conversationId: `${id}-group`,
        isOwnerConversation,
        inboxId: `${id}-inbox`,
      },
    });
});

const mail = (eventId: string, to: string | null = agentId) => ({
  provider: "agentmail",
  eventId,
  kind: "message.received",
  agentId: to,
  payload: { messageId: eventId },
});

describe("provider events", () => {
  it("records an event once, announcing it at commit", async () => {
    const listener = new Client({ connectionString: database().url });
    await listener.connect();
    const heard: string[] = [];
    listener.on("notification", (n) => heard.push(n.payload ?? ""));
    await listener.query(`LISTEN ${PROVIDER_EVENT_CHANNEL}`);
    try {
      expect(await recordProviderEvent(mail("evt-1"))).toBe(true);
      expect(await recordProviderEvent(mail("evt-1"))).toBe(false);
      const rows = await database().db.providerEvent.findMany();
      expect(rows).toHaveLength(1);
      await waitFor("the notification", () => heard.length === 1);
      expect(heard).toEqual([rows[0].id]);
    } finally {
      await listener.end();
    }
  });

  it("records an event for nobody of ours as done, so it is never carried out", async () => {
    expect(await recordProviderEvent(mail("evt-2", null))).toBe(true);
    expect(await recordProviderEvent(mail("evt-2", null))).toBe(false);
    const [row] = await database().db.providerEvent.findMany();
    expect(row.doneAt).not.toBeNull();
  });

  it("gives each event to one taker, and marks it done", async () => {
    await recordProviderEvent(mail("evt-3"));
    const handled: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = carryOutNextProviderEvent([agentId], async (e) => {
      handled.push(e.id);
      await held;
    });
    await waitFor("the first taker", () => handled.length === 1);
    expect(await carryOutNextProviderEvent([agentId], async () => void handled.push("second"))).toBeNull();
    release();
    await first;
    expect(handled).toHaveLength(1);
    const [row] = await database().db.providerEvent.findMany();
    expect(row.doneAt).not.toBeNull();
    expect(await carryOutNextProviderEvent([agentId], async () => undefined)).toBeNull();
  });

  it("takes an event again once its taker has been gone too long", async () => {
    await recordProviderEvent(mail("evt-6"));
    // A taker that died after taking it: the row says taken, nobody marks it done.
    void carryOutNextProviderEvent([agentId], () => new Promise<void>(() => undefined));
    await waitFor("the event taken", async () => (await database().db.providerEvent.findFirst())?.takenAt);
    expect(await carryOutNextProviderEvent([agentId], async () => undefined)).toBeNull();
    await database().db.providerEvent.updateMany({
      data: { takenAt: new Date(Date.now() - PROVIDER_EVENT_TAKE_MS - 1_000) },
    });
    expect(await carryOutNextProviderEvent([agentId], async () => undefined)).toMatchObject({
      failed: false,
    });
  });

  it("counts failed attempts, and gives the event up after the last", async () => {
    await recordProviderEvent(mail("evt-4"));
    for (let i = 0; i < PROVIDER_EVENT_ATTEMPTS; i++)
      await carryOutNextProviderEvent([agentId], () => Promise.reject(new Error("conversation gone")));
    const [row] = await database().db.providerEvent.findMany();
    expect(row).toMatchObject({ attempts: PROVIDER_EVENT_ATTEMPTS, lastError: "conversation gone" });
    expect(row.doneAt).not.toBeNull();
    expect(await carryOutNextProviderEvent([agentId], async () => undefined)).toBeNull();
  });

  it("takes only the events of the agents asked for", async () => {
    await recordProviderEvent(mail("evt-5"));
    const waiting = [{ agentId, identityId: "identity-owner" }];
    expect(await ownerConversationsWithEvents(["identity-owner", "identity-extra", "elsewhere"])).toEqual(
      waiting,
    );
    // Run elsewhere, or only its other conversation here: not this worker's to post.
    expect(await ownerConversationsWithEvents(["identity-extra", "elsewhere"])).toEqual([]);
    expect(await carryOutNextProviderEvent(["another-agent"], async () => undefined)).toBeNull();
    expect(await carryOutNextProviderEvent([], async () => undefined)).toBeNull();
    expect(await carryOutNextProviderEvent([agentId], async () => undefined)).toMatchObject({
      failed: false,
    });
    expect(await ownerConversationsWithEvents(["identity-owner"])).toEqual([]);
  });
});

describe("provider usage", () => {
  it("adds up concurrent counts per agent and provider", async () => {
    await Promise.all(
      Array.from({ length: 20 }, () => countUsage(agentId, "telnyx", { sent: 1, spentMicros: 4_000 })),
    );
    await countUsage(agentId, "agentmail", { received: 2 });
    expect(await usageOf(agentId)).toEqual([
      { provider: "agentmail", sent: 0, received: 2, spentUsd: 0 },
      { provider: "telnyx", sent: 20, received: 0, spentUsd: 0.08 },
    ]);
    expect((await usageTotals()).find((u) => u.provider === "telnyx")?.sent).toBe(20);
  });
});
