/**
 * The address of the client behind a request, for per-client limits (the loopback-only development
 * sign-in reads socketAddress instead). X-Forwarded-For is only believed because something we run
 * wrote it: without TRUST_PROXY the run command preloads scripts/forwarded-headers.mjs, which sets
 * it to the socket's address; with TRUST_PROXY our proxy appends the address it saw, so the last
 * entry is the one to use (the entries before it are the client's own claims).
 */
import { isIPv6 } from "node:net";

const UNKNOWN = "unknown";

export function clientAddress(headers: Pick<Headers, "get">): string {
  return normalize(headers.get("x-forwarded-for")?.split(",").at(-1)?.trim());
}

/**
 * The address of the socket a request came in on, or "unknown". scripts/forwarded-headers.mjs,
 * preloaded into the web server by the run command, writes it into a header of its own on every
 * request and marks the process; without that mark (a bare `next start`) the header could be the
 * client's, so it is not read. Unlike clientAddress, no proxy and no client has a say in it.
 */
export function socketAddress(headers: Pick<Headers, "get">): string {
  const name = (globalThis as Record<symbol, unknown>)[Symbol.for("convos.socketAddressHeader")];
  if (typeof name !== "string") return UNKNOWN;
  return normalize(headers.get(name)?.trim());
}

function normalize(address: string | undefined): string {
  if (!address) return UNKNOWN;
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "").toLowerCase();
}

/** Whether an address from clientAddress or socketAddress is this machine. */
export function isLoopback(address: string): boolean {
  return address === "::1" || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/**
 * The key a per-client limit counts under: an IPv4 address as it is, an IPv6 address by its /64 (a
 * home or a server is usually handed a whole /64, so counting single addresses would give one client
 * 2^64 fresh allowances).
 */
export function clientLimitKey(address: string): string {
  const bare = address.replace(/%.*$/, ""); // a zone id ("fe80::1%eth0") names an interface, not a host
  if (!isIPv6(bare)) return address;
  return `${ipv6Groups(bare).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, as lowercase hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}
