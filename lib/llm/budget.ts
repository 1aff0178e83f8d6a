/**
 * Spending bounds of the language model, per agent. Three limits together
 * keep one agent, or one person talking to it, from running up the bill:
 *
 *   what goes in    the message being answered is cut at INCOMING_MAX_CHARS
 *                   (the history has its own bound, workers/agents/answer/history.ts);
 *   what comes out  every call carries max_tokens (LLM_MAX_TOKENS);
 *   the total       an agent spends at most its token cap (Agent.tokenCap, else
 *                   LLM_TOKEN_CAP_PER_AGENT; "unlimited" only when set so).
 *
 * The cap holds even with calls in flight at once (several conversations of
 * one agent, several workers): before a call, the most it can cost (an upper
 * bound of the prompt's tokens plus max_tokens) is reserved in ONE statement:
 * the agent row's `tokensHeld` grows only WHERE used + held + this call stays
 * within the cap (PostgreSQL re-checks that condition on the row it locked, so
 * concurrent reservations serialise on the row), and a TokenReservation row
 * records it. When the call returns the reservation is settled, again in one
 * statement: the real usage is added, the hold released, the row deleted. A
 * reservation a crash left behind is released by the retention pass once
 * older than RESERVATION_TTL_MS (`releaseStaleReservations`).
 *
 * The same settling statement adds the tokens, and what they cost when the
 * model that answered has a price (LLM_PRICES, prices.ts), to the agent's
 * row of the day in TokenUsageDay (UTC days): the days always add up to
 * tokensUsed, whatever calls settle at once.
 */
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import type { ChatMessage, ContentPart } from "./client";
import { costMicros, type Prices } from "./prices";

/** The message being answered is cut here (characters), with a note saying so. */
export const INCOMING_MAX_CHARS = 4_000;
/** A reservation older than this no longer counts (the call it stood for is long over). */
export const RESERVATION_TTL_MS = 10 * 60_000;

/** `text` cut to INCOMING_MAX_CHARS, marked when cut. */
export function truncateIncoming(text: string): string {
  if (text.length <= INCOMING_MAX_CHARS) return text;
  return `${text.slice(0, INCOMING_MAX_CHARS)}\n[message cut: only the first ${INCOMING_MAX_CHARS} characters are shown]`;
}

/**
 * What one image part may cost at most: images are scaled to at most 1,568 px on their longest side before
 * they are sent (workers/agents/answer/attachments.ts), and the costliest public rule for such an image is
 * Anthropic's (width × height / 750 ≈ 3,278 tokens for 1,568 × 1,568); OpenAI's high-detail tiles cost at
 * most 765 for it, Gemini 258 per 768-px tile. Models that bill images at a multiple (gpt-4o-mini) report
 * more, and the settled usage counts that.
 */
export const IMAGE_TOKEN_BOUND = Math.ceil((1_568 * 1_568) / 750);

/** A message's content bound: the UTF-8 length of its text, IMAGE_TOKEN_BOUND per image part. */
function contentBound(content: string | ContentPart[] | null): number {
  if (content === null) return 0;
  if (typeof content === "string") return Buffer.byteLength(content, "utf8");
  return content.reduce(
    (sum, p) => sum + (p.type === "text" ? Buffer.byteLength(p.text, "utf8") : IMAGE_TOKEN_BOUND),
    0,
  );
}

/**
 * An upper bound of the prompt's tokens: byte-level BPE tokenizers never make
 * a token of less than one byte, so the UTF-8 length bounds the text; each
 * message adds a few formatting tokens; an image counts IMAGE_TOKEN_BOUND.
 */
export function promptTokenBound(messages: ChatMessage[], tools: readonly unknown[] = []): number {
  const bytes = (text: string) => Buffer.byteLength(text, "utf8");
  const toolBytes = tools.length > 0 ? bytes(JSON.stringify(tools)) : 0;
  return messages.reduce(
    (sum, m) =>
      sum +
      contentBound(m.content) +
      ("tool_calls" in m && m.tool_calls ? bytes(JSON.stringify(m.tool_calls)) : 0) +
      8,
    16 + toolBytes,
  );
}

/** The note that ends a text cut by `cutText`. */
export const CUT_NOTE = "\n[cut: too long]";

/**
 * `text` cut so that `size(result) <= most`, ending with CUT_NOTE when cut ("" when even the note
 * doesn't fit). `size` is characters by default; Buffer.byteLength measures bytes.
 */
export function cutText(text: string, most: number, size: (t: string) => number = (t) => t.length): string {
  if (size(text) <= most) return text;
  const room = most - size(CUT_NOTE);
  if (room <= 0) return "";
  // Characters never take less room than one unit, so at most `room` of them can fit; shrink from there.
  let end = Math.min(text.length, room);
  while (end > 0 && size(text.slice(0, end)) > room) end = Math.floor(end * 0.9);
  // Never end between the halves of a surrogate pair.
  if (end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1])) end -= 1;
  return text.slice(0, end) + CUT_NOTE;
}

/**
 * Shares `total` among items of `sizes` fairly: an item smaller than its share keeps its size, and what
 * it leaves goes to the larger ones (water-filling). The shares never add up to more than `total`.
 */
export function shareOut(sizes: number[], total: number): number[] {
  const shares = new Array<number>(sizes.length).fill(0);
  let left = Math.max(0, total);
  let n = sizes.length;
  for (const i of sizes.map((_, i) => i).sort((a, b) => sizes[a] - sizes[b])) {
    shares[i] = Math.min(sizes[i], Math.floor(left / n));
    left -= shares[i];
    n -= 1;
  }
  return shares;
}

const utf8 = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * `messages` made to fit `promptTokenBound(…) <= room` (no tools offered): tool results are cut first,
 * each to a fair share; then the oldest turns of the history (`history` = the indices of the turns that may
 * go, oldest first) are left out. undefined when even that doesn't fit.
 */
export function fitPrompt(
  messages: ChatMessage[],
  room: number,
  history: number[] = [],
): ChatMessage[] | undefined {
  if (promptTokenBound(messages) <= room) return messages;
  const kept = [...messages];
  const results = kept.flatMap((m, i) => (m.role === "tool" ? [i] : []));
  const bare = kept.map((m) => (m.role === "tool" ? { ...m, content: "" } : m));
  const dropped = new Set<number>();
  for (const i of history) {
    if (promptTokenBound(bare.filter((_, j) => !dropped.has(j))) <= room) break;
    dropped.add(i);
  }
  const fixed = promptTokenBound(bare.filter((_, j) => !dropped.has(j)));
  if (fixed > room) return undefined;
  const shares = shareOut(
    results.map((i) => contentBound(kept[i].content)),
    room - fixed,
  );
  results.forEach((i, k) => {
    const m = kept[i] as ChatMessage & { role: "tool" };
    kept[i] = { ...m, content: cutText(m.content, shares[k], utf8) };
  });
  return kept.filter((_, j) => !dropped.has(j));
}

export interface Reservation {
  agentId: string;
  /** null when the agent has no cap: nothing was reserved, usage is still counted. */
  id: string | null;
  tokens: number;
}

/** Reserves `tokens` for one call unless the agent's cap would be passed; null when refused. `cap` undefined = unlimited. */
export async function reserveTokens(
  agentId: string,
  tokens: number,
  cap: number | undefined,
): Promise<Reservation | null> {
  if (cap === undefined) return { agentId, id: null, tokens: 0 };
  const id = randomUUID();
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH held AS (
      UPDATE "Agent" SET "tokensHeld" = "tokensHeld" + ${tokens}
      WHERE id = ${agentId} AND "tokensUsed" + "tokensHeld" + ${tokens} <= ${cap}
      RETURNING id
    )
    INSERT INTO "TokenReservation" (id, "agentId", tokens) SELECT ${id}, held.id, ${tokens} FROM held
    RETURNING id`;
  return rows.length === 1 ? { agentId, id, tokens } : null;
}

/**
 * Settles a reservation to the tokens really used (0 when the call failed before any usage was reported), and
 * adds them, with their cost in micro-dollars, to the agent's usage of the day, in one statement.
 */
export async function settleTokens(reservation: Reservation, used: number, cost = 0): Promise<void> {
  const usedTokens = Math.max(0, Math.round(used));
  const costOf = BigInt(Math.max(0, Math.round(cost)));
  const agentId = reservation.agentId;
  if (reservation.id === null) {
    if (usedTokens > 0)
      await db.$executeRaw`
        WITH spent AS (
          UPDATE "Agent" SET "tokensUsed" = "tokensUsed" + ${usedTokens} WHERE id = ${agentId} RETURNING id
        )
        INSERT INTO "TokenUsageDay" ("agentId", day, tokens, "costMicros")
        SELECT id, (now() AT TIME ZONE 'UTC')::date, ${usedTokens}, ${costOf} FROM spent
        ON CONFLICT ("agentId", day) DO UPDATE SET tokens = "TokenUsageDay".tokens + EXCLUDED.tokens,
          "costMicros" = "TokenUsageDay"."costMicros" + EXCLUDED."costMicros"`;
    return;
  }
  // Released only if the reservation is still there (the retention pass may have released a very late one).
  await db.$executeRaw`
    WITH gone AS (DELETE FROM "TokenReservation" WHERE id = ${reservation.id} RETURNING tokens),
    spent AS (
      UPDATE "Agent" SET "tokensUsed" = "tokensUsed" + ${usedTokens},
        "tokensHeld" = greatest(0, "tokensHeld" - coalesce((SELECT sum(tokens) FROM gone), 0))
      WHERE id = ${agentId}
      RETURNING id
    )
    INSERT INTO "TokenUsageDay" ("agentId", day, tokens, "costMicros")
    SELECT id, (now() AT TIME ZONE 'UTC')::date, ${usedTokens}, ${costOf} FROM spent WHERE ${usedTokens} > 0
    ON CONFLICT ("agentId", day) DO UPDATE SET tokens = "TokenUsageDay".tokens + EXCLUDED.tokens,
      "costMicros" = "TokenUsageDay"."costMicros" + EXCLUDED."costMicros"`;
}

/** Releases reservations older than RESERVATION_TTL_MS (their call is long over: a crash left them); returns how many. */
export async function releaseStaleReservations(): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    WITH gone AS (
      DELETE FROM "TokenReservation"
      WHERE "createdAt" < now() - ${RESERVATION_TTL_MS}::int * interval '1 millisecond'
      RETURNING "agentId", tokens
    ), per_agent AS (SELECT "agentId", sum(tokens) AS tokens, count(*) AS n FROM gone GROUP BY "agentId"),
    released AS (
      UPDATE "Agent" a SET "tokensHeld" = greatest(0, a."tokensHeld" - p.tokens)
      FROM per_agent p WHERE a.id = p."agentId"
      RETURNING p.n
    )
    SELECT coalesce(sum(n), 0)::int AS n FROM per_agent`;
  return rows[0]?.n ?? 0;
}

export type Spent<T> = { ok: true; value: T } | { ok: false };

/** A model call was not made: it could have passed the agent's token cap. */
export class TokenCapReached extends Error {
  readonly code = "token_cap_reached";
  constructor() {
    super("the agent's token cap would be passed");
    this.name = "TokenCapReached";
  }
}

/**
 * Runs one model call of an agent within its cap: reserves the prompt's bound
 * plus `maxTokens`, settles to the call's reported usage; throws
 * TokenCapReached (the call not made) when the reservation is refused. One per
 * answer, used for every call of it, tool rounds included.
 */
export type SpendHook = <T extends { totalTokens: number; model?: string }>(
  request: { messages: ChatMessage[]; tools?: readonly unknown[]; maxTokens: number },
  call: () => Promise<T>,
) => Promise<T>;

/**
 * The spend hook of agent `agentId` under `cap` (undefined = unlimited: usage still counted); each call's
 * tokens cost what `prices` says of the model that answered it.
 */
export function spendHook(agentId: string, cap: number | undefined, prices: Prices = {}): SpendHook {
  return async ({ messages, tools, maxTokens }, call) => {
    const bound = promptTokenBound(messages, tools) + maxTokens;
    const spent = await spendWithinCap(agentId, cap, bound, call, (c) => c.totalTokens, {
      costOf: (c, tokens) => costMicros(prices, c.model, tokens),
    });
    if (!spent.ok) throw new TokenCapReached();
    return spent.value;
  };
}

/**
 * Runs one model call within the agent's cap: reserves `bound` tokens, runs
 * `call`, settles to the tokens it reports. `{ ok: false }` when the cap would
 * be passed (the call is not made). A call that throws settles to 0. `costOf` prices the tokens (micro-dollars).
 */
export async function spendWithinCap<T>(
  agentId: string,
  cap: number | undefined,
  bound: number,
  call: () => Promise<T>,
  tokensOf: (value: T) => number,
  o: { costOf?: (value: T, tokens: number) => number } = {},
): Promise<Spent<T>> {
  const reservation = await reserveTokens(agentId, bound, cap);
  if (!reservation) return { ok: false };
  let used = 0;
  let cost = 0;
  try {
    const value = await call();
    used = tokensOf(value);
    cost = o.costOf?.(value, used) ?? 0;
    return { ok: true, value };
  } finally {
    await settleTokens(reservation, used, cost);
  }
}
