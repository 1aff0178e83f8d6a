/** The owner's cap, the admin's highest cap, the 80 % notice and where an agent stands, on a real PostgreSQL. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import { budgetState, capText, pausedText } from "./budget-state";
import { claimBudgetNotice, maxTokenCap, setMaxTokenCap, setTokenCap, usageByDay } from "./spend";
import { settleTokens } from "@/lib/llm/budget";

const database = withTestDatabase();

async function owned(data: { tokensUsed?: number; tokenCap?: number | null } = {}) {
  const { db } = database();
  const user = await db.user.create({ data: { email: `${crypto.randomUUID()}@example.test` } });
  const agent = await db.agent.create({ data: { name: "A", instructions: "", ownerId: user.id, ...data } });
  return { agentId: agent.id, ownerId: user.id };
}

const row = (id: string) => database().db.agent.findUniqueOrThrow({ where: { id } });

describe("budget state", () => {
  it("is paused at the cap, or by the provider's mark whatever the cap; never without a cap and a mark", () => {
    const at = (tokensUsed: number, tokenCap: number | null, outOfBudgetAt: Date | null = null) =>
      budgetState({ tokensUsed, tokenCap, outOfBudgetAt }, 1_000);
    expect(at(799, null)).toEqual({ used: 799, cap: 1_000, fraction: 0.799, paused: false, reason: null });
    expect(at(1_000, null)).toMatchObject({ paused: true, reason: "token_cap" });
    expect(at(1_000, 5_000)).toMatchObject({ cap: 5_000, paused: false });
    expect(at(0, 5_000, new Date())).toMatchObject({ paused: true, reason: "provider" });
    expect(budgetState({ tokensUsed: 9e9, tokenCap: null, outOfBudgetAt: null }, undefined)).toMatchObject({
      cap: null,
      fraction: null,
      paused: false,
    });
    expect(pausedText(at(1_000, null))).toBe(capText(1_000));
    expect(pausedText(at(0, null, new Date()))).toMatch(/^I'm out of budget/);
  });
});

describe("the owner's cap", () => {
  it("lowers freely, raises up to the admin's highest cap, and refuses above it changing nothing", async () => {
    const { agentId, ownerId } = await owned({ tokensUsed: 100 });
    const o = { defaultCap: 1_000, max: await maxTokenCap(1_000) };
    expect(o.max).toBe(1_000); // no admin setting: the default cap
    await expect(setTokenCap(agentId, ownerId, 1_001, o)).rejects.toMatchObject({
      code: "cap_above_maximum",
      message: "The cap can be at most 1000 tokens on this server (an admin sets that).",
    });
    expect((await row(agentId)).tokenCap).toBeNull();
    expect(await setTokenCap(agentId, ownerId, 500, o)).toMatchObject({ cap: 500, paused: false });
    await setMaxTokenCap(50_000);
    const raised = { defaultCap: 1_000, max: await maxTokenCap(1_000) };
    expect(await setTokenCap(agentId, ownerId, 50_000, raised)).toMatchObject({ cap: 50_000 });
    await expect(setTokenCap(agentId, ownerId, 50_001, raised)).rejects.toMatchObject({
      code: "cap_above_maximum",
    });
    // The admin lowers the highest cap: the owner can still lower theirs, though above the new maximum.
    await setMaxTokenCap(10_000);
    const lowered = { defaultCap: 1_000, max: await maxTokenCap(1_000) };
    expect(await setTokenCap(agentId, ownerId, 40_000, lowered)).toMatchObject({ cap: 40_000 });
    await expect(setTokenCap(agentId, ownerId, 45_000, lowered)).rejects.toMatchObject({
      code: "cap_above_maximum",
    });
    await setMaxTokenCap(null);
    expect(await maxTokenCap(1_000)).toBe(1_000);
    const stranger = await owned();
    await expect(setTokenCap(agentId, stranger.ownerId, 10, lowered)).rejects.toMatchObject({
      code: "not_found",
    });
    expect((await row(agentId)).tokenCap).toBe(40_000);
  });

  it("a cap at or under the usage leaves it paused; raising it past the usage lifts the pause, not the provider's", async () => {
    const { agentId, ownerId } = await owned({ tokensUsed: 900, tokenCap: 1_000 });
    const o = { defaultCap: 1_000, max: 5_000 };
    expect(await setTokenCap(agentId, ownerId, 900, o)).toMatchObject({ paused: true, reason: "token_cap" });
    expect(await setTokenCap(agentId, ownerId, 2_000, o)).toMatchObject({ paused: false });
    await database().db.agent.update({ where: { id: agentId }, data: { outOfBudgetAt: new Date() } });
    expect(await setTokenCap(agentId, ownerId, 3_000, o)).toMatchObject({ paused: true, reason: "provider" });
  });
});

describe("the 80 % notice", () => {
  it("is claimed once per crossing, by one of many at once; a raised cap lets the next crossing claim it again", async () => {
    const { agentId, ownerId } = await owned({ tokenCap: 1_000 });
    expect(await claimBudgetNotice(agentId, 200_000)).toBeNull(); // 0 %
    await settleTokens({ agentId, id: null, tokens: 0 }, 800);
    const claims = await Promise.all(Array.from({ length: 10 }, () => claimBudgetNotice(agentId, 200_000)));
    expect(claims.filter(Boolean)).toEqual([{ used: 800, cap: 1_000 }]);
    expect(await claimBudgetNotice(agentId, 200_000)).toBeNull();
    // Raised to where 800 is under 80 %: the mark is cleared, and the next crossing is told again.
    await setTokenCap(agentId, ownerId, 2_000, { defaultCap: 200_000, max: 200_000 });
    expect((await row(agentId)).budgetNoticeAt).toBeNull();
    expect(await claimBudgetNotice(agentId, 200_000)).toBeNull();
    await settleTokens({ agentId, id: null, tokens: 0 }, 900);
    expect(await claimBudgetNotice(agentId, 200_000)).toEqual({ used: 1_700, cap: 2_000 });
    // Without a cap of its own the default counts; unlimited, there is nothing to tell.
    const open = await owned({ tokensUsed: 900 });
    expect(await claimBudgetNotice(open.agentId, undefined)).toBeNull();
    expect(await claimBudgetNotice(open.agentId, 1_000)).toEqual({ used: 900, cap: 1_000 });
  });
});

describe("usage per day", () => {
  it("lists the last 30 UTC days oldest first, zeros where nothing was used", async () => {
    const { agentId } = await owned();
    const { db } = database();
    const now = new Date("2026-12-07T10:00:00Z");
    await db.tokenUsageDay.createMany({
      data: [
        { agentId, day: new Date("2026-12-07"), tokens: 50, costMicros: 30n },
        { agentId, day: new Date("2026-11-08"), tokens: 7 },
        { agentId, day: new Date("2026-11-07"), tokens: 999 }, // 31 days back: left out
      ],
    });
    const days = await usageByDay(agentId, 30, now);
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({ day: "2026-11-08", tokens: 7, costMicros: 0 });
    expect(days[29]).toEqual({ day: "2026-12-07", tokens: 50, costMicros: 30 });
    expect(days.slice(1, 29).every((d) => d.tokens === 0)).toBe(true);
  });
});
