/**
 * The address of the client behind a request, for per-client limits and the loopback-only
 * development sign-in. X-Forwarded-For is only believed because something we run wrote it: without
 * TRUST_PROXY the run command preloads scripts/forwarded-headers.mjs, which sets it to the socket's
 * address; with TRUST_PROXY our proxy appends the address it saw, so the last entry is the one to use
 * (the entries before it are the client's own claims).
 */
const UNKNOWN = "unknown";

export function clientAddress(headers: Pick<Headers, "get">): string {
  const last = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  if (!last) return UNKNOWN;
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
  return last.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "").toLowerCase();
}

/** Whether an address from clientAddress is this machine. */
export function isLoopback(address: string): boolean {
  return address === "::1" || /^127\.\d+\.\d+\.\d+$/.test(address);
}
