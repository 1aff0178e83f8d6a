/**
 * `web_search` (through the configured provider, lib/web/search.ts) and
 * `fetch_url` (a page's readable text, fetched under the SSRF rules of
 * lib/web/safe-fetch.ts). Both are reads: safe to repeat after a restart.
 * fetch_url reads only the links the answer may read (links.ts): a link a
 * member sent, or one this answer's search returned (the tool session adds
 * those), never one the model made up.
 */
import { z } from "zod";
import { readableText } from "@/lib/web/readable";
import { FetchError, safeFetch } from "@/lib/web/safe-fetch";
import { webSearch } from "@/lib/web/search";
import { asToolError } from "./as-tool-error";
import { defineTool, ToolError } from "./types";

export const NO_SEARCH = "web search is not configured on this server";

/** What the model reads when it asks for a link nobody sent. */
export const UNKNOWN_LINK =
  "fetch_url reads only links someone in this conversation sent or that web_search returned in this answer, exactly as written; this one is neither, so it was not fetched. Ask the person for the link.";

export const webSearchTool = defineTool({
  name: "web_search",
  label: "Web search",
  summary: "Searches the web for current information.",
  description:
    "Search the web. Returns up to 5 results (title, URL, snippet); read one with fetch_url when the snippet is not enough. Say where facts come from.",
  args: z.object({ query: z.string().min(1).max(300).describe("What to search for") }),
  effect: "none",
  readsWeb: true,
  linksInResult: true,
  unavailable: (settings) => (settings.search ? undefined : NO_SEARCH),
  async run({ query }, ctx) {
    const settings = ctx.settings.search;
    if (!settings) throw new ToolError(NO_SEARCH);
    const found = await asToolError(webSearch(settings, query), FetchError);
    if (found.length === 0) return `No results for "${query}".`;
    return found.map((r, i) => `${i + 1}. ${r.title}\n${r.url}\n${r.snippet}`).join("\n\n");
  },
});

export const fetchUrlTool = defineTool({
  name: "fetch_url",
  label: "Web pages",
  summary: "Reads web pages someone links to.",
  description:
    "Read a web page (http or https) that someone in the conversation linked to, or that web_search returned: returns its title and readable text, cut to 20,000 characters. HTML, text and JSON only. Other links are refused.",
  args: z.object({ url: z.string().min(1).max(2_000).describe("The page's full URL, as it was given") }),
  effect: "none",
  readsWeb: true,
  async run({ url }, ctx) {
    if (!ctx.links.allows(url)) throw new ToolError(UNKNOWN_LINK);
    const page = await asToolError(safeFetch(url), FetchError);
    const { title, text } = await asToolError(readableText(page), FetchError);
    return `${title ? `${title}\n` : ""}${page.url}\n\n${text || "(the page has no readable text)"}`;
  },
});
