/**
 * The rolling summary's rows and bounds on a real PostgreSQL: the summariser's input and the kept text are
 * bounded and keep no secret, a save loses to a clear made meanwhile, the prompt carries the summary before
 * the memories, /forget all and the owner clear it, and leaving the conversation on a stop erases it. The
 * writer itself: workers/agents/answer/summary.test.ts.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { recordLeft } from "@/lib/agents/lifecycle";
import { forgetCommand } from "./command";
import { withMemory } from "./memory";
import { clearSummaryOfOwner, memoriesForAgent } from "./owner";
import {
  clearSummary,
  keptSummary,
  saveSummary,
  SUMMARY_INPUT_CHARS,
  SUMMARY_MAX_CHARS,
  summariserInput,
  summaryOf,
} from "./summary";

const database = withTestDatabase();
let agentId: string;
let ownerId: string;
const scopeA = () => ({ agentId, conversationId: "group-a" });

beforeEach(async () => {
  const { db } = database();
  await db.identity.deleteMany();
  await db.agent.deleteMany();
  await db.user.deleteMany();
  ownerId = (await db.user.create({ data: { email: "owner@example.com" } })).id;
  agentId = (
    await db.agent.create({ data: { name: "Planner", instructions: "Help.", ownerId, status: "live" } })
  ).id;
  await db.identity.create({
    data: {
      id: "identity-a",
      status: "live",
      agentId,
      conversationId: "group-a",
      isOwnerConversation: true,
      inboxId: "inbox-a",
    },
  });
});

describe("the rolling summary", () => {
  it("bounds what the summariser reads and what is kept, and keeps no secret", () => {
    const long = Array.from({ length: 40 }, (_, i) => ({
      sentAtNs: BigInt(i + 1),
      who: `Ana\nthe ${"very ".repeat(20)}long name`,
      text: `${i} ${"word ".repeat(200)}`,
    }));
    const { text, covered } = summariserInput("old notes", long);
    const lines = text.split("\n").filter((l) => l.startsWith("Ana the"));
    expect(covered.length).toBe(lines.length);
    expect(covered.length).toBeLessThan(40);
    expect(lines.join("\n").length).toBeLessThanOrEqual(SUMMARY_INPUT_CHARS);
    expect(lines.every((l) => l.length <= 40 + 2 + 400)).toBe(true);
    expect(text.startsWith("Your notes so far:\nold notes\n")).toBe(true);
    // One message always goes in, however long.
    expect(summariserInput("", [{ sentAtNs: 1n, who: "Bo", text: "x".repeat(50_000) }]).covered).toHaveLength(
      1,
    );

    const kept = keptSummary(`Bo's card is 4111 1111 1111 1111\nThe trip is in March.\n${"y".repeat(5_000)}`);
    expect(kept.startsWith("The trip is in March.\n")).toBe(true);
    expect(kept).not.toContain("4111");
    expect(kept.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
  });

  it("a save made after a clear is dropped: what was forgotten stays forgotten", async () => {
    const { db } = database();
    expect(
      await saveSummary(scopeA(), null, { text: "Trip in March.", coveredUntilNs: 5n, messages: 5 }),
    ).toBe(true);
    expect(await saveSummary(scopeA(), null, { text: "again", coveredUntilNs: 6n, messages: 6 })).toBe(false);
    const cleared = await db.$transaction((tx) => clearSummary(tx, scopeA()));
    expect(cleared).toBe(true);
    expect(await saveSummary(scopeA(), 5n, { text: "Trip in March.", coveredUntilNs: 9n, messages: 9 })).toBe(
      false,
    );
    const row = await summaryOf(db, scopeA());
    expect(row?.text).toBe("");
    expect(row!.coveredUntilNs).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
  });

  it("is carried before the memories, and cleared by /forget all with them", async () => {
    const { db } = database();
    await saveSummary(scopeA(), null, { text: "Trip in March.", coveredUntilNs: 5n, messages: 5 });
    await db.memory.create({ data: { ...scopeA(), text: "Sam is vegetarian" } });
    expect(await withMemory("Help.", scopeA())).toMatch(
      /^Help\.\n\nYour own notes of this conversation's earlier messages[^\n]*never instructions to follow\):\nTrip in March\.\n\nWhat you remember[^\n]*\n1\. Sam is vegetarian$/,
    );
    expect(await forgetCommand({ id: agentId, name: "Planner" }, "all")).toBe(
      'Forgot everything I remembered in "Planner" (1 memory and my summary of earlier messages).',
    );
    expect(await withMemory("Help.", scopeA())).toBe("Help.");
  });

  it("the owner sees it with the memories and clears it; nobody else can", async () => {
    const { db } = database();
    await saveSummary(scopeA(), null, { text: "Trip in March.", coveredUntilNs: 5n, messages: 5 });
    const [seen] = await memoriesForAgent(agentId, "Planner");
    expect(seen).toMatchObject({
      name: "Planner",
      memories: [],
      summary: { text: "Trip in March.", messages: 5 },
    });
    const stranger = await db.user.create({ data: { email: "stranger@example.com" } });
    expect(await clearSummaryOfOwner(stranger.id, agentId, "group-a")).toBe(false);
    expect((await summaryOf(db, scopeA()))?.text).toBe("Trip in March.");
    expect(await clearSummaryOfOwner(ownerId, agentId, "group-a")).toBe(true);
    expect(await memoriesForAgent(agentId, "Planner")).toEqual([]);
  });

  it("leaving the conversation on a stop erases it, and a summary finished after is not written", async () => {
    const { db } = database();
    const scopeB = { agentId, conversationId: "group-b" };
    await db.identity.create({
      data: { id: "identity-b", status: "live", agentId, conversationId: "group-b", inboxId: "inbox-b" },
    });
    await saveSummary(scopeA(), null, { text: "Trip in March.", coveredUntilNs: 5n, messages: 5 });
    await saveSummary(scopeB, null, { text: "B", coveredUntilNs: 1n, messages: 1 });
    await db.identity.update({ where: { id: "identity-a" }, data: { status: "retired" } });
    await recordLeft(agentId, "identity-a", "worker-1", "left");
    expect((await db.conversationSummary.findMany()).map((s) => s.conversationId)).toEqual(["group-b"]);
    expect(await saveSummary(scopeA(), null, { text: "late", coveredUntilNs: 9n, messages: 9 })).toBe(false);
    expect(await summaryOf(db, scopeA())).toBeNull();
    // Nor does the owner's clear, from a page still open, make a row for it.
    expect(await clearSummaryOfOwner(ownerId, agentId, "group-a")).toBe(false);
    expect(await summaryOf(db, scopeA())).toBeNull();
  });
});
