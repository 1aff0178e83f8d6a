/**
 * Each agent's own OpenRouter key, from its first model call to its stop.
 *
 * A key is made lazily, on the agent's first model call, so a claim stays as fast as it was; it is made
 * once per agent however many conversations (and workers) ask at the same moment. The row of
 * AgentModelKey is the lock:
 *
 *   none      no row: the first caller inserts one with `creatingSince` and its own `creatingBy` token,
 *             and makes the key (POST /keys with its name and OPENROUTER_KEY_LIMIT)
 *   creating  others wait for it, a few seconds at most; a creation older than CREATION_STALE_MS was
 *             cut short (a crash, a lost answer) and the next caller takes it over. A taken-over creation
 *             may have made a key whose plaintext nobody kept: keys of that name are looked up and
 *             deleted before a new one is made
 *   ready     `hash` and the key sealed under MASTER_KEY; stored only by the caller holding the token
 *             (a caller that lost it deletes the key it made)
 *   gone      the row is deleted with the key when the agent stops (retireAgentKey) or is erased;
 *             keys left behind are found by name by the retention pass (sweep.ts)
 *
 * The key's plaintext exists only in the create response and, sealed, in the row: nothing here logs it,
 * and only the worker, which holds the sealing key, opens it.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { db } from "@/lib/db";
import { open, seal, type SealingKey } from "@/lib/secrets";
import { createKey, deleteKey, getKey, listKeys, type KeyInfo } from "./api";
import { keyName, type OpenRouterSettings } from "./settings";

/** A creation older than this was cut short and may be taken over (above POST /keys' own deadline). */
export const CREATION_STALE_MS = 60_000;
/** How long a model call waits for another caller's creation before it gives up (and apologises). */
const WAIT_FOR_CREATION_MS = 20_000;
const WAIT_STEP_MS = 200;

/** The agent's key is being made by another call that did not finish in time. */
export class ModelKeyPending extends Error {
  constructor() {
    super("the agent's model key is still being made");
    this.name = "ModelKeyPending";
  }
}

interface Claim {
  token: string;
  /** False when an earlier creation was cut short: it may have left a key of this name behind. */
  fresh: boolean;
}

/** Takes the creation of the agent's key: a new row, or a stale creation's; null when another call holds it. */
async function claimCreation(name: string, agentId: string): Promise<Claim | null> {
  const token = randomUUID();
  const rows = await db.$queryRaw<{ fresh: boolean }[]>`
    INSERT INTO "AgentModelKey" ("agentId", name, "creatingSince", "creatingBy")
    VALUES (${agentId}, ${name}, now(), ${token})
    ON CONFLICT ("agentId") DO UPDATE SET "creatingSince" = now(), "creatingBy" = excluded."creatingBy",
      name = excluded.name
    WHERE "AgentModelKey".hash IS NULL
      AND "AgentModelKey"."creatingSince" < now() - make_interval(secs => ${CREATION_STALE_MS / 1000})
    RETURNING (xmax = 0) AS fresh`;
  return rows.length === 0 ? null : { token, fresh: rows[0].fresh };
}

/** Lets the next caller take the creation over at once (it looks for a key this one may have made). */
const interrupt = (agentId: string, token: string) =>
  db.$executeRaw`
    UPDATE "AgentModelKey" SET "creatingSince" = now() - make_interval(secs => ${(2 * CREATION_STALE_MS) / 1000})
    WHERE "agentId" = ${agentId} AND "creatingBy" = ${token} AND hash IS NULL`;

/** The agent's key: its plaintext, and its hash at OpenRouter. */
export interface AgentKey {
  key: string;
  hash: string;
}

/** Makes the key for a claimed creation and stores it sealed. */
async function create(
  s: OpenRouterSettings,
  sealing: SealingKey,
  agentId: string,
  claim: Claim,
): Promise<AgentKey> {
  const name = keyName(s, agentId);
  let made: { info: KeyInfo; key: string };
  try {
    // A key an interrupted creation made cannot be used (its plaintext is gone): it goes first.
    if (!claim.fresh) for (const k of await listKeys(s)) if (k.name === name) await deleteKey(s, k.hash);
    made = await createKey(s, name, s.limitUsd);
  } catch (error) {
    await interrupt(agentId, claim.token);
    throw error;
  }
  const stored = await db.agentModelKey.updateMany({
    where: { agentId, creatingBy: claim.token, hash: null },
    data: {
      hash: made.info.hash,
      sealedKey: seal(sealing, Buffer.from(made.key, "utf8")),
      creatingSince: null,
      creatingBy: null,
      reportedMicros: 0,
    },
  });
  if (stored.count === 0) {
    // Taken over meanwhile: the other caller's key is the agent's, this one is nobody's.
    await deleteKey(s, made.info.hash).catch(() => undefined);
    throw new ModelKeyPending();
  }
  return { key: made.key, hash: made.info.hash };
}

/**
 * The agent's key in plaintext, made first if it has none (once, whoever asks at the same time). Throws
 * ProviderError when OpenRouter refuses or can't be reached, ModelKeyPending when another call's creation
 * takes too long.
 */
export async function agentModelKey(
  s: OpenRouterSettings,
  sealing: SealingKey,
  agentId: string,
): Promise<AgentKey> {
  const deadline = Date.now() + WAIT_FOR_CREATION_MS;
  for (;;) {
    const row = await db.agentModelKey.findUnique({
      where: { agentId },
      select: { hash: true, sealedKey: true },
    });
    if (row?.hash && row.sealedKey)
      return { key: Buffer.from(open(sealing, row.sealedKey)).toString("utf8"), hash: row.hash };
    const claim = await claimCreation(keyName(s, agentId), agentId);
    if (claim) return create(s, sealing, agentId, claim);
    if (Date.now() >= deadline) throw new ModelKeyPending();
    await sleep(WAIT_STEP_MS);
  }
}

/**
 * Forgets a key OpenRouter no longer knows (it answered 401: deleted out of band), so that the agent's next
 * model call makes a new one. Only that key's row goes: a newer key is kept.
 */
export async function forgetRevokedKey(agentId: string, hash: string): Promise<void> {
  await db.agentModelKey.deleteMany({ where: { agentId, hash } });
}

/**
 * Counts what the key spent since last counted into the agent's OpenRouter usage (ProviderUsage), in one
 * statement: the key's usage as OpenRouter reports it only grows, and each part of it is counted once.
 */
export async function recordKeySpend(agentId: string, hash: string, usageUsd: number): Promise<void> {
  const micros = BigInt(Math.max(0, Math.round(usageUsd * 1e6)));
  await db.$executeRaw`
    WITH prev AS (
      SELECT "reportedMicros" FROM "AgentModelKey" WHERE "agentId" = ${agentId} AND hash = ${hash} FOR UPDATE
    ), moved AS (
      UPDATE "AgentModelKey" k SET "reportedMicros" = ${micros} FROM prev
      WHERE k."agentId" = ${agentId} AND k.hash = ${hash} AND prev."reportedMicros" < ${micros}
      RETURNING ${micros} - prev."reportedMicros" AS delta
    )
    INSERT INTO "ProviderUsage" ("agentId", provider, "spentMicros")
    SELECT ${agentId}, 'openrouter', delta FROM moved
    ON CONFLICT ("agentId", provider) DO UPDATE SET
      "spentMicros" = "ProviderUsage"."spentMicros" + excluded."spentMicros", "updatedAt" = now()`;
}

/**
 * Deletes a stopped (or erased) agent's key at OpenRouter, and its row; its last usage is counted first.
 * Nothing happens to an agent restarted meanwhile, or one whose key is still being made (the retention
 * pass finds that one). Throws ProviderError when OpenRouter can't be reached: the row stays, and the
 * retention pass tries again.
 */
export async function retireAgentKey(s: OpenRouterSettings, agentId: string): Promise<boolean> {
  const row = await db.agentModelKey.findUnique({
    where: { agentId },
    select: { hash: true, agent: { select: { status: true } } },
  });
  if (!row?.hash || row.agent.status !== "stopped") return false;
  const info = await getKey(s, row.hash).catch(() => null);
  if (info) await recordKeySpend(agentId, row.hash, info.usage);
  await deleteKey(s, row.hash);
  await db.agentModelKey.deleteMany({ where: { agentId, hash: row.hash } });
  return true;
}

/** Deletes these keys at OpenRouter (the rows are the caller's): for an erasure, which removes the rows. */
export async function deleteAgentKeys(s: OpenRouterSettings, agentIds: string[]): Promise<void> {
  const rows = await db.agentModelKey.findMany({
    where: { agentId: { in: agentIds }, hash: { not: null } },
    select: { hash: true },
  });
  for (const r of rows) if (r.hash) await deleteKey(s, r.hash);
}
