/**
 * Idempotent claims: a caller that sends the same Idempotency-Key again (a retry after a lost answer, a
 * double submit) gets the first claim's result again, never a second agent. The semantics are those of the
 * IETF httpapi draft "The Idempotency-Key HTTP Header Field":
 *
 *   scope:    a key belongs to its caller, never to everyone: `api:` and the API key's SHA-256, or
 *             `user:` and the signed-in user's id;
 *   take:     in the claim's transaction, before the claim lock and the limits (./limits.ts), ONE
 *             statement inserts the key's row, or takes over a row older than the window (an expired
 *             key is a new key). The row stays locked until commit, so a second request with the same
 *             key waits on it and then finds the first one's result: concurrent repeats get the same
 *             answer, never 409 "in progress";
 *   replay:   a row within the window answers its stored result (the same agent and invite) when the
 *             request's fingerprint matches, else IdempotencyKeyReusedError (422);
 *   record:   the claim's result is written in the same transaction as the claim, so a key is either
 *             unused or holds a complete claim. A claim that fails (empty pool, a limit, a bad invite)
 *             rolls back its key too: the same key may be retried.
 *
 * Rows older than the window are deleted by the retention pass (lib/retention/prune.ts).
 */
import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Tx } from "./limits";

/** How long a key answers its first claim; after that it is a new key. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** A caller's key: `scope` is whose it is (apiKeyScope, userScope), `key` the parsed header value. */
export interface IdempotencyKey {
  scope: string;
  key: string;
}

export class InvalidIdempotencyKeyError extends AppError {
  constructor(message: string) {
    super("invalid_idempotency_key", message, 400);
  }
}

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(
      "idempotency_key_reused",
      "This Idempotency-Key was already used, within the last 24 hours, for a different request. Use a new key for a new request.",
      422,
    );
  }
}

/** The scope of an API caller: its API key's SHA-256, so the key itself is never stored. */
export function apiKeyScope(apiKey: string): string {
  return `api:${createHash("sha256").update(apiKey).digest("hex")}`;
}

export function userScope(userId: string): string {
  return `user:${userId}`;
}

// Visible ASCII without `"` and `\`: the same key bare or as a structured-field string ("…") needs no escapes.
const KEY_CHARACTERS = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The key of an Idempotency-Key value: 1–255 visible ASCII characters other than `"` and `\` (a UUID fits),
 * bare or in double quotes (the draft's structured-field string); throws InvalidIdempotencyKeyError (400).
 */
export function parseIdempotencyKey(value: string): string {
  const quoted = /^"(.*)"$/s.exec(value);
  const key = quoted ? quoted[1] : value;
  if (key.length === 0) throw new InvalidIdempotencyKeyError("The Idempotency-Key is empty.");
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    throw new InvalidIdempotencyKeyError(
      `The Idempotency-Key is ${key.length} characters long; at most ${MAX_IDEMPOTENCY_KEY_LENGTH} are allowed.`,
    );
  if (!KEY_CHARACTERS.test(key))
    throw new InvalidIdempotencyKeyError(
      'The Idempotency-Key may hold only visible ASCII characters (no spaces, no `"` or `\\` inside), such as a UUID.',
    );
  return key;
}

/** The caller's key from an optional header or form value: none when absent; throws InvalidIdempotencyKeyError. */
export function idempotencyKeyOf(
  value: string | null | undefined,
  scope: string,
): IdempotencyKey | undefined {
  return value === null || value === undefined ? undefined : { scope, key: parseIdempotencyKey(value) };
}

/** A stable SHA-256 of a request: object keys sorted, undefined fields left out. */
export function fingerprint(request: unknown): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;
  return createHash("sha256")
    .update(JSON.stringify(canonical(request)) ?? "")
    .digest("hex");
}

/**
 * A claim made once per key (see the module comment): a ClaimOnce (./limits.ts) of any claim's result.
 * `replayed` turns true when it answered an earlier claim. Each kind of claim stores its own result; the
 * fingerprint covers the request, which decides the kind, so a key is only replayed into the kind that
 * stored it.
 */
export interface IdempotentClaim {
  readonly replayed: boolean;
  replay<T>(tx: Tx): Promise<T | null>;
  record<T extends { agentId: string }>(tx: Tx, result: T): Promise<void>;
}

export function idempotentClaim(id: IdempotencyKey, request: unknown): IdempotentClaim {
  const print = fingerprint(request);
  let replayed = false;
  return {
    get replayed() {
      return replayed;
    },
    async replay<T>(tx: Tx): Promise<T | null> {
      const earlier = await takeOrFind(tx, id, print);
      if (!earlier) return null;
      if (earlier.fingerprint !== print) throw new IdempotencyKeyReusedError();
      if (earlier.result === null) throw new Error(`idempotency key "${id.key}" has no result`);
      replayed = true;
      return earlier.result as T;
    },
    async record<T extends { agentId: string }>(tx: Tx, result: T): Promise<void> {
      await tx.$executeRaw`
        UPDATE "IdempotencyKey" SET "agentId" = ${result.agentId}, result = ${JSON.stringify(result)}::jsonb
        WHERE scope = ${id.scope} AND key = ${id.key}`;
    },
  };
}

interface KeyRow {
  fingerprint: string;
  result: Prisma.JsonValue;
}

/**
 * Takes the key for this claim (null), or returns its row from an earlier claim within the window. The
 * upsert takes over an expired row, and locks a fresh one without changing it (ON CONFLICT DO UPDATE locks
 * the conflicting row even when its WHERE is false), so the row read next can be neither changed nor pruned
 * before commit. The read is a statement of its own: it sees a row another transaction committed while
 * this one waited, which the upsert's snapshot would not.
 */
async function takeOrFind(tx: Tx, id: IdempotencyKey, print: string): Promise<KeyRow | null> {
  const windowStart = new Date(Date.now() - IDEMPOTENCY_WINDOW_MS);
  const taken = await tx.$queryRaw<unknown[]>`
    INSERT INTO "IdempotencyKey" (scope, key, fingerprint) VALUES (${id.scope}, ${id.key}, ${print})
    ON CONFLICT (scope, key) DO UPDATE
      SET fingerprint = EXCLUDED.fingerprint, "agentId" = NULL, result = NULL, "createdAt" = now()
      WHERE "IdempotencyKey"."createdAt" < ${windowStart}
    RETURNING 1`;
  if (taken.length > 0) return null;
  const rows = await tx.$queryRaw<KeyRow[]>`
    SELECT fingerprint, result FROM "IdempotencyKey" WHERE scope = ${id.scope} AND key = ${id.key}`;
  if (!rows[0]) throw new Error(`idempotency key "${id.key}" conflicted, then was gone`);
  return rows[0];
}
