/**
 * Web search through the provider the server is configured with
 * (SEARCH_PROVIDER: brave, tavily or searxng; SEARCH_API_KEY, SEARCH_URL).
 * Requests go through safeFetch (caps, redirects checked, the key dropped on a
 * redirect to another origin); the provider's own address may be loopback only
 * with SEARCH_ALLOW_LOOPBACK, a setting for tests, and its configured URL may
 * use any port (pages are read on 80 and 443 only).
 */
import type { Config } from "@/lib/config";
import { FetchError, loopbackOnly, safeFetch } from "./safe-fetch";

export interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

export interface SearchSettings {
  provider: "brave" | "tavily" | "searxng";
  apiKey?: string;
  baseUrl?: string;
  allowLoopback?: boolean;
}

export const SEARCH_RESULTS = 5;

/** The configured provider, or undefined when web search is off. */
export function searchSettings(
  c: Pick<Config, "SEARCH_PROVIDER" | "SEARCH_API_KEY" | "SEARCH_URL" | "SEARCH_ALLOW_LOOPBACK">,
): SearchSettings | undefined {
  if (!c.SEARCH_PROVIDER) return undefined;
  return {
    provider: c.SEARCH_PROVIDER,
    apiKey: c.SEARCH_API_KEY,
    baseUrl: c.SEARCH_URL,
    allowLoopback: c.SEARCH_ALLOW_LOOPBACK,
  };
}

const DEFAULT_BASE = { brave: "https://api.search.brave.com", tavily: "https://api.tavily.com" } as const;

const str = (v: unknown) => (typeof v === "string" ? v : "");

function results(
  raw: unknown,
  list: (body: Record<string, unknown>) => unknown,
  snippet: string,
): SearchResult[] {
  const items = raw && typeof raw === "object" ? list(raw as Record<string, unknown>) : undefined;
  if (!Array.isArray(items)) throw new FetchError("http", "the search provider's answer has no results list");
  return items
    .filter((i): i is Record<string, unknown> => !!i && typeof i === "object")
    .map((i) => ({
      title: str(i.title).slice(0, 200),
      url: str(i.url).slice(0, 500),
      snippet: str(i[snippet]).slice(0, 500),
    }))
    .filter((r) => /^https?:\/\//.test(r.url))
    .slice(0, SEARCH_RESULTS);
}

/** Searches `query`; throws FetchError when the provider can't be reached or answers nonsense. */
export async function webSearch(
  s: SearchSettings,
  query: string,
  signal?: AbortSignal,
): Promise<SearchResult[]> {
  let base = s.baseUrl ?? (s.provider === "searxng" ? "" : DEFAULT_BASE[s.provider]);
  while (base.endsWith("/")) base = base.slice(0, -1); // a loop, not /\/+$/: that regex is quadratic on "/"s
  const origin = URL.canParse(base) ? new URL(base).origin : undefined;
  const common = {
    signal,
    allowAddress: s.allowLoopback ? loopbackOnly : undefined,
    allowPort: (url: URL) => url.origin === origin,
    accept: (t: string) => t === "application/json",
  };
  const parse = (text: string) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new FetchError("http", "the search provider's answer is not JSON");
    }
  };
  switch (s.provider) {
    case "brave": {
      const page = await safeFetch(
        `${base}/res/v1/web/search?${new URLSearchParams({ q: query, count: String(SEARCH_RESULTS) })}`,
        {
          ...common,
          headers: { accept: "application/json", "x-subscription-token": s.apiKey ?? "" },
        },
      );
      return results(
        parse(page.text),
        (b) => (b.web as Record<string, unknown> | undefined)?.results,
        "description",
      );
    }
    case "tavily": {
      const page = await safeFetch(`${base}/search`, {
        ...common,
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${s.apiKey ?? ""}` },
        body: JSON.stringify({ query, max_results: SEARCH_RESULTS }),
      });
      return results(parse(page.text), (b) => b.results, "content");
    }
    case "searxng": {
      const page = await safeFetch(`${base}/search?${new URLSearchParams({ q: query, format: "json" })}`, {
        ...common,
        headers: { accept: "application/json" },
      });
      return results(parse(page.text), (b) => b.results, "content");
    }
  }
}
