/** The token budget on a real PostgreSQL: reservations under concurrency, settling, stale reservations, bounds. */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/db";
import type { ChatMessage } from "./client";
import {
  CUT_NOTE,
  cutText,
  fitPrompt,
  INCOMING_MAX_CHARS,
  promptTokenBound,
  shareOut,
  releaseStaleReservations,
  reserveTokens,
  settleTokens,
  spendHook,
  spendWithinCap,
  TokenCapReached,
  truncateIncoming,
} from "./budget";

const database = withTestDatabase();

const agent = (tokensUsed = 0) =>
  database().db.agent.create({ data: { name: "A", instructions: "", tokensUsed } });

describe("token reservations", () => {
  it("40 calls reserving at once never reserve past the cap", async () => {
    const { id } = await agent(100);
    const results = await Promise.all(Array.from({ length: 40 }, () => reserveTokens(id, 50, 1_100)));
    expect(results.filter(Boolean)).toHaveLength(20); // (1100 - 100) / 50
    const { db } = database();
    const held = await db.tokenReservation.aggregate({ where: { agentId: id }, _sum: { tokens: true } });
    expect(held._sum.tokens).toBe(1_000);
    expect((await db.agent.findUniqueOrThrow({ where: { id } })).tokensHeld).toBe(1_000);
  });

  it("settling adds the real usage and frees the rest of the reservation", async () => {
    const { id } = await agent();
    const r = (await reserveTokens(id, 900, 1_000))!;
    expect(await reserveTokens(id, 200, 1_000)).toBeNull(); // 900 held + 200 > 1000
    await settleTokens(r, 120);
    const row = await database().db.agent.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ tokensUsed: 120, tokensHeld: 0 });
    expect(await database().db.tokenReservation.count({ where: { agentId: id } })).toBe(0);
    expect(await reserveTokens(id, 880, 1_000)).not.toBeNull();
    expect(await reserveTokens(id, 1, 1_000)).toBeNull();
  });

  it("a reservation a crash left behind is released by the retention pass once past its time to live", async () => {
    const { id } = await agent();
    const { db } = database();
    const r = (await reserveTokens(id, 1_000, 1_000))!;
    expect(await reserveTokens(id, 1, 1_000)).toBeNull();
    expect(await releaseStaleReservations()).toBe(0); // still fresh
    await db.tokenReservation.update({
      where: { id: r.id! },
      data: { createdAt: new Date(Date.now() - 11 * 60_000) },
    });
    expect(await releaseStaleReservations()).toBe(1);
    expect((await db.agent.findUniqueOrThrow({ where: { id } })).tokensHeld).toBe(0);
    expect(await reserveTokens(id, 1_000, 1_000)).not.toBeNull();
    await settleTokens(r, 0); // the crashed call's settle, if it ever comes, releases nothing twice
    expect((await db.agent.findUniqueOrThrow({ where: { id } })).tokensHeld).toBe(1_000);
  });

  it("spendWithinCap: refused calls are not made; a call that throws settles to nothing; no cap still counts usage", async () => {
    const { id } = await agent();
    let calls = 0;
    const call = async () => {
      calls++;
      return { tokens: 30 };
    };
    expect(await spendWithinCap(id, 100, 101, call, (r) => r.tokens)).toEqual({ ok: false });
    expect(calls).toBe(0);
    expect(await spendWithinCap(id, 100, 100, call, (r) => r.tokens)).toEqual({
      ok: true,
      value: { tokens: 30 },
    });
    await expect(
      spendWithinCap(
        id,
        100,
        50,
        () => Promise.reject(new Error("boom")),
        () => 0,
      ),
    ).rejects.toThrow("boom");
    await spendWithinCap(id, undefined, 10_000_000, call, (r) => r.tokens);
    const row = await database().db.agent.findUniqueOrThrow({ where: { id } });
    expect(row.tokensUsed).toBe(60);
    expect(await database().db.tokenReservation.count({ where: { agentId: id } })).toBe(0);
  });
});

describe("usage per day", () => {
  const days = (agentId: string) =>
    database().db.tokenUsageDay.findMany({ where: { agentId }, orderBy: { day: "asc" } });

  it("the day's row adds up to tokensUsed however many calls settle at once, with or without a cap", async () => {
    const { id } = await agent();
    const tokens = Array.from({ length: 40 }, (_, i) => 1 + ((i * 37) % 23));
    await Promise.all(
      tokens.map((n, i) =>
        spendWithinCap(
          id,
          i % 2 === 0 ? 1_000_000 : undefined,
          100,
          async () => ({ n }),
          (r) => r.n,
        ),
      ),
    );
    await spendWithinCap(
      id,
      1_000_000,
      100,
      () => Promise.reject(new Error("boom")),
      () => 0,
    ).catch(() => undefined); // a failed call adds nothing, not even an empty row of another day
    const row = await database().db.agent.findUniqueOrThrow({ where: { id } });
    const total = tokens.reduce((a, b) => a + b, 0);
    expect(row).toMatchObject({ tokensUsed: total, tokensHeld: 0 });
    const rows = await days(id);
    expect(rows).toHaveLength(1);
    expect(rows[0].day.toISOString().slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
    expect(rows[0].tokens).toBe(total);
  });

  it("a call's tokens cost what LLM_PRICES says of the model that answered; an unpriced model's cost nothing", async () => {
    const { id } = await agent();
    const spend = spendHook(id, 1_000_000, { priced: 2.5 });
    const request = { messages: [{ role: "user" as const, content: "hi" }], maxTokens: 100 };
    await spend(request, async () => ({ totalTokens: 1_000, model: "priced" }));
    await spend(request, async () => ({ totalTokens: 400, model: "free" }));
    await spend(request, async () => ({ totalTokens: 3, model: "priced" }));
    const [day] = await days(id);
    expect(day.tokens).toBe(1_403);
    expect(day.costMicros).toBe(2_500n + 8n); // 1,000 × $2.5/M = $0.0025; 3 tokens round to 8 micro-dollars
    // Refused (over the cap): no call, nothing counted.
    const tight = spendHook(id, 1_500, { priced: 2.5 });
    await expect(tight(request, async () => ({ totalTokens: 1, model: "priced" }))).rejects.toThrow(
      TokenCapReached,
    );
    expect((await days(id))[0].tokens).toBe(1_403);
  });
});

describe("bounds", () => {
  it("cuts the incoming message and bounds the prompt's tokens by its bytes", () => {
    const long = "x".repeat(INCOMING_MAX_CHARS + 10);
    expect(truncateIncoming("short")).toBe("short");
    expect(truncateIncoming(long).startsWith("x".repeat(INCOMING_MAX_CHARS) + "\n[message cut")).toBe(true);
    // "é" is 2 bytes, "🙂" 4: the bound follows bytes, not characters.
    const plain = promptTokenBound([{ role: "user", content: "aaaa" }]);
    expect(promptTokenBound([{ role: "user", content: "🙂" }])).toBe(plain);
    expect(promptTokenBound([{ role: "user", content: "éé" }])).toBe(plain);
  });

  it("cuts a text to a size in characters or bytes, with a note, never splitting a character", () => {
    expect(cutText("short", 10)).toBe("short");
    const cut = cutText("y".repeat(100), 50);
    expect(cut.length).toBe(50);
    expect(cut.endsWith(CUT_NOTE)).toBe(true);
    const bytes = (t: string) => Buffer.byteLength(t, "utf8");
    const emoji = cutText("🙂".repeat(100), 101, bytes);
    expect(bytes(emoji)).toBeLessThanOrEqual(101);
    expect(emoji.replace(CUT_NOTE, "")).toMatch(/^(🙂)+$/u);
    expect(cutText("abc", 2)).toBe("");
  });

  it("shares a total fairly: small items keep their size, the large ones split the rest", () => {
    expect(shareOut([10, 100, 100], 110)).toEqual([10, 50, 50]);
    expect(shareOut([10, 20], 100)).toEqual([10, 20]);
    expect(shareOut([7, 7, 7], 10).reduce((a, b) => a + b)).toBeLessThanOrEqual(10);
  });

  it("fits a prompt to a bound: the tool results cut first, then the oldest history left out", () => {
    const big = "r".repeat(5_000);
    const messages: ChatMessage[] = [
      { role: "system", content: "rules" },
      { role: "user", content: "h".repeat(1_000) },
      { role: "assistant", content: "old answer" },
      { role: "user", content: "now" },
      { role: "assistant", content: null, tool_calls: [] },
      { role: "tool", tool_call_id: "a", content: big },
      { role: "tool", tool_call_id: "b", content: "tiny" },
    ];
    const fitted = fitPrompt(messages, 3_000, [1, 2])!;
    expect(promptTokenBound(fitted)).toBeLessThanOrEqual(3_000);
    expect(fitted).toHaveLength(messages.length); // the results were enough
    expect((fitted[5].content as string).endsWith(CUT_NOTE)).toBe(true);
    expect(fitted[6].content).toBe("tiny");
    const tighter = fitPrompt(messages, 300, [1, 2])!;
    expect(promptTokenBound(tighter)).toBeLessThanOrEqual(300);
    expect(tighter.map((m) => m.content)).not.toContain("h".repeat(1_000));
    expect(fitPrompt(messages, 20, [1, 2])).toBeUndefined();
  });
});
