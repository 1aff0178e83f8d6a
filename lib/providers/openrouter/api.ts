/**
 * OpenRouter's key management API (the management key's endpoints under /keys), through the one provider
 * client (lib/providers/http.ts): create, list, read, change the limit of, and delete a key. Responses are
 * parsed into our own shape here, at the edge; a body that is not what the API documents is a ProviderError.
 *
 *   POST   /keys          {name, limit}  → {data: {hash, name, limit, …}, key: "sk-or-v1-…"}
 *   GET    /keys?offset=N               → {data: [key, …]} (at most 100 a page)
 *   GET    /keys/{hash}                 → {data: key}
 *   PATCH  /keys/{hash}   {limit}        → {data: key}
 *   DELETE /keys/{hash}                 → {deleted: true}
 *
 * The key's plaintext comes back only from the create; it is returned to the caller and never logged.
 */
import { ProviderError, providerRequest } from "@/lib/providers/http";
import type { OpenRouterSettings } from "./settings";

/** A key as OpenRouter describes it; money in US dollars. */
export interface KeyInfo {
  hash: string;
  name: string;
  disabled: boolean;
  /** null: no limit. */
  limit: number | null;
  limitRemaining: number | null;
  usage: number;
}

/** Keys a list page holds at most (OpenRouter's page size). */
export const PAGE_SIZE = 100;
/** Pages a listing reads at most: 10 000 keys. */
const MOST_PAGES = 100;

type Call = { method?: "GET" | "POST" | "PATCH" | "DELETE"; path: string; body?: unknown };

const call = <T>(s: OpenRouterSettings, c: Call & { timeoutMs?: number; retries?: number }) =>
  providerRequest<T>({ provider: "openrouter", baseUrl: s.baseUrl, apiKey: s.managementKey, ...c });

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function parseKey(raw: unknown, path: string): KeyInfo {
  const k = (raw ?? {}) as Record<string, unknown>;
  if (typeof k.hash !== "string" || !k.hash || typeof k.name !== "string")
    throw new ProviderError("openrouter", 200, `${path}: the answer is not a key`);
  return {
    hash: k.hash,
    name: k.name,
    disabled: k.disabled === true,
    limit: num(k.limit),
    limitRemaining: num(k.limit_remaining),
    usage: num(k.usage) ?? 0,
  };
}

const keyPath = (hash: string) => `/keys/${encodeURIComponent(hash)}`;

/** Creates a key; resolves with its description and its plaintext (shown this once, never again). */
export async function createKey(
  s: OpenRouterSettings,
  name: string,
  limitUsd: number,
): Promise<{ info: KeyInfo; key: string }> {
  const res = await call<{ data?: unknown; key?: unknown }>(s, {
    method: "POST",
    path: "/keys",
    body: { name, limit: limitUsd },
    retries: 0, // a retry after a lost answer would make a second key; the caller's recovery finds it by name
  });
  const key = res.body?.key;
  if (typeof key !== "string" || !key)
    throw new ProviderError("openrouter", res.status, "POST /keys: no key");
  return { info: parseKey(res.body?.data, "POST /keys"), key };
}

/** Every key of the account, page after page (at most MOST_PAGES). */
export async function listKeys(s: OpenRouterSettings): Promise<KeyInfo[]> {
  const all: KeyInfo[] = [];
  for (let page = 0; page < MOST_PAGES; page++) {
    const res = await call<{ data?: unknown }>(s, { path: `/keys?offset=${page * PAGE_SIZE}` });
    if (!Array.isArray(res.body?.data))
      throw new ProviderError("openrouter", res.status, "GET /keys: no list");
    all.push(...res.body.data.map((k) => parseKey(k, "GET /keys")));
    if (res.body.data.length < PAGE_SIZE) break;
  }
  return all;
}

/** One key; `quick` for a page waiting on it: a short deadline and no retry. */
export async function getKey(s: OpenRouterSettings, hash: string, quick = false): Promise<KeyInfo> {
  const res = await call<{ data?: unknown }>(s, {
    path: keyPath(hash),
    ...(quick ? { timeoutMs: 3_000, retries: 0 } : {}),
  });
  return parseKey(res.body?.data, "GET /keys/{hash}");
}

/** Sets a key's limit (USD). */
export async function setKeyLimit(s: OpenRouterSettings, hash: string, limitUsd: number): Promise<KeyInfo> {
  const res = await call<{ data?: unknown }>(s, {
    method: "PATCH",
    path: keyPath(hash),
    body: { limit: limitUsd },
  });
  return parseKey(res.body?.data, "PATCH /keys/{hash}");
}

/** Deletes a key; one that is already gone (404) counts as deleted. */
export async function deleteKey(s: OpenRouterSettings, hash: string): Promise<void> {
  try {
    await call(s, { method: "DELETE", path: keyPath(hash) });
  } catch (error) {
    if (error instanceof ProviderError && error.status === 404) return;
    throw error;
  }
}
