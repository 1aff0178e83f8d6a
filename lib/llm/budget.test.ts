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
  spendWithinCap,
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
