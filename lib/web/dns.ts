/**
 * Host names to addresses for safeFetch, through c-ares (`dns.Resolver`), not
 * `dns.lookup`: lookup calls getaddrinfo on libuv's thread pool (4 threads,
 * shared with fs, crypto and zlib), so a few names on a slow or silent
 * resolver would stall the worker's file and crypto work, and getaddrinfo
 * can't be cancelled. c-ares queries run on the event loop, with a timeout and
 * a number of tries, and are cancelled when the fetch is aborted.
 *
 * c-ares reads no /etc/hosts: "localhost" and "*.localhost" (RFC 6761) answer
 * loopback here, so the address check refuses them as before.
 */
import { promises as dns } from "node:dns";

/** One address of a host name. */
export interface Resolved {
  address: string;
  family: number;
}

/** One query's wait for an answer, and how many times it is sent. */
export const DNS_TIMEOUT_MS = 2_000;
export const DNS_TRIES = 2;

const LOOPBACK: Resolved[] = [
  { address: "127.0.0.1", family: 4 },
  { address: "::1", family: 6 },
];

/** Every A and AAAA address of `host`; rejects when it has none, on timeout, or when `signal` aborts. */
export async function resolveHost(
  host: string,
  options: { signal?: AbortSignal; servers?: string[] } = {},
): Promise<Resolved[]> {
  const name = host.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return LOOPBACK;
  const resolver = new dns.Resolver({ timeout: DNS_TIMEOUT_MS, tries: DNS_TRIES });
  if (options.servers) resolver.setServers(options.servers);
  const cancel = () => resolver.cancel();
  options.signal?.throwIfAborted();
  options.signal?.addEventListener("abort", cancel, { once: true });
  try {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    options.signal?.throwIfAborted();
    const found = [
      ...(v4.status === "fulfilled" ? v4.value.map((address) => ({ address, family: 4 })) : []),
      ...(v6.status === "fulfilled" ? v6.value.map((address) => ({ address, family: 6 })) : []),
    ];
    if (found.length > 0) return found;
    throw v4.status === "rejected" ? v4.reason : new Error(`${name} has no address`);
  } finally {
    options.signal?.removeEventListener("abort", cancel);
  }
}
