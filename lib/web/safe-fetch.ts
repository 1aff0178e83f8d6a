/**
 * Fetching a URL a language model chose, without letting it reach inside the
 * server's network (SSRF):
 *
 *   - http and https only, ports 80 and 443 only, no user:password@ in the URL;
 *   - names of private and metadata hosts refused (metadata.google.internal…);
 *   - the host name is resolved here (every address, through c-ares: dns.ts) and
 *     refused if ANY address is not public (addresses.ts); the connection then goes to the
 *     address that was checked, pinned through the request's `lookup`, so a DNS
 *     answer that changes between the check and the connect (rebinding) is not
 *     used;
 *   - redirects are followed by hand (at most 5), each hop checked the same way;
 *     the caller's headers (a search provider's key) are dropped once a redirect
 *     leaves the origin;
 *   - 10 s for the whole fetch, name resolution included, 1 MB of body
 *     (decompressed; the decompressor is destroyed when the body is cut or the
 *     fetch fails), and only HTML, plain text and JSON.
 */
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { pipeline, type Transform } from "node:stream";
import zlib from "node:zlib";
import { isLoopback, isPublicAddress, isRefusedName } from "./addresses";
import { resolveHost, type Resolved } from "./dns";

export type { Resolved } from "./dns";

export const FETCH_MAX_BYTES = 1_000_000;
export const FETCH_TIMEOUT_MS = 10_000;
export const FETCH_MAX_REDIRECTS = 5;

export type FetchErrorCode =
  | "bad_url"
  | "refused_address"
  | "refused_port"
  | "too_many_redirects"
  | "bad_type"
  | "http"
  | "network"
  | "unreadable";

/** A fetch that didn't happen or didn't give a usable page; the message is safe to show the model. */
export class FetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "FetchError";
  }
}

export interface SafeFetchOptions {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Resolves a host name to all its addresses (default resolveHost, through c-ares); tests pass their own. */
  resolve?: (host: string) => Promise<Resolved[]>;
  /**
   * Also allow these (beyond public addresses): for the search provider's configured address, and the
   * attachment stores of ATTACHMENT_HOSTS (`url`: the hop being checked, redirects included).
   */
  allowAddress?: (ip: string, url: URL) => boolean;
  /** Also allow this URL's port (beyond 80 and 443): for the search provider's configured URL only. */
  allowPort?: (url: URL) => boolean;
  maxBytes?: number;
  timeoutMs?: number;
  /** Content types accepted (default HTML, text, JSON). */
  accept?: (contentType: string) => boolean;
  /** Keep the body as bytes (`bytes`), not decoded to text: an attachment's encrypted payload. */
  raw?: boolean;
}

export interface FetchedPage {
  /** The URL after redirects. */
  url: string;
  status: number;
  contentType: string;
  text: string;
  /** The body as it came (decompressed), with `raw` only; `text` is then "". */
  bytes?: Buffer;
  /** True when the body was cut at maxBytes. */
  truncated: boolean;
}

export const readableType = (contentType: string) =>
  /^(text\/html|application\/xhtml\+xml|text\/plain|application\/json|[a-z]+\/[a-z0-9.+-]*\+json)$/.test(
    contentType,
  );

/** Checks the URL and its host's addresses; resolves with the address to connect to. */
async function checkTarget(url: URL, o: SafeFetchOptions, signal: AbortSignal): Promise<Resolved> {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new FetchError("bad_url", `only http and https URLs can be read, not ${url.protocol}`);
  if (url.username || url.password)
    throw new FetchError("bad_url", "URLs with a user name or password are refused");
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  if (port !== 80 && port !== 443 && !(o.allowPort?.(url) ?? false))
    throw new FetchError("refused_port", `only ports 80 and 443 can be read, not ${port}`);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(host);
  let addresses: Resolved[];
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    if (isRefusedName(host))
      throw new FetchError("refused_address", `${host} names a private or metadata host; refused`);
    try {
      addresses = await abortable(o.resolve ? o.resolve(host) : resolveHost(host, { signal }), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new FetchError("network", `the host ${host} could not be resolved`);
    }
  }
  if (addresses.length === 0) throw new FetchError("network", `the host ${host} has no address`);
  const allowed = (ip: string) => isPublicAddress(ip) || (o.allowAddress?.(ip, url) ?? false);
  const bad = addresses.find((a) => !allowed(a.address));
  if (bad) throw new FetchError("refused_address", `${host} leads to a private or reserved address; refused`);
  return addresses[0];
}

/** `work`, or the signal's reason as soon as it aborts (a resolver passed by a test may never answer). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A lookup that answers every query with the checked address (no second DNS query: no rebinding). */
const pinned =
  (to: Resolved): LookupFunction =>
  (_host, options, callback) => {
    if (options.all) (callback as (e: null, a: Resolved[]) => void)(null, [to]);
    else callback(null, to.address, to.family);
  };

const timedOut = (o: SafeFetchOptions) =>
  new FetchError("network", `the page took longer than ${(o.timeoutMs ?? FETCH_TIMEOUT_MS) / 1000} s`);

function decoder(encoding: string | undefined): Transform | undefined {
  switch ((encoding ?? "identity").toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip();
    case "deflate":
      return zlib.createInflate();
    case "br":
      return zlib.createBrotliDecompress();
    case "identity":
      return undefined;
    default:
      throw new FetchError("bad_type", `the page uses an unsupported encoding (${encoding})`);
  }
}

function charsetOf(contentTypeHeader: string): string {
  const m = /charset=["']?([\w-]+)/i.exec(contentTypeHeader);
  try {
    return m ? new TextDecoder(m[1]).encoding : "utf-8";
  } catch {
    return "utf-8";
  }
}

async function requestOnce(
  url: URL,
  to: Resolved,
  o: SafeFetchOptions,
  signal: AbortSignal,
): Promise<FetchedPage | { redirect: string }> {
  return new Promise((resolve, reject) => {
    // Set once the body is being read: an error or abort from then on also ends the body's streams.
    let bodyFailed: ((e: Error) => void) | undefined;
    const request = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method: o.method ?? "GET",
        headers: { "accept-encoding": "gzip, deflate, br", "user-agent": "ConvosAgents/1.0", ...o.headers },
        lookup: pinned(to),
        signal,
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (status >= 300 && status < 400 && location) {
          response.resume();
          resolve({ redirect: location });
          return;
        }
        let checked: CheckedResponse;
        try {
          checked = checkResponse(response, o.accept ?? readableType);
        } catch (e) {
          response.destroy();
          return reject(e as FetchError);
        }
        bodyFailed = readBody(response, checked, { url, o, signal, resolve, reject });
      },
    );
    request.on("error", (e) =>
      bodyFailed
        ? bodyFailed(e)
        : reject(
            signal.aborted ? timedOut(o) : new FetchError("network", `the connection failed (${e.message})`),
          ),
    );
    request.end(o.body);
  });
}

interface CheckedResponse {
  status: number;
  contentTypeHeader: string;
  contentType: string;
  /** The decompressor of the body's encoding, none for identity. */
  decompressor?: Transform;
}

/** A response whose body can be read; throws FetchError for a status, type or encoding that can't. */
function checkResponse(
  response: http.IncomingMessage,
  accept: (contentType: string) => boolean,
): CheckedResponse {
  const status = response.statusCode ?? 0;
  const contentTypeHeader = response.headers["content-type"] ?? "";
  const contentType = contentTypeHeader.split(";")[0].trim().toLowerCase();
  if (status < 200 || status >= 300) throw new FetchError("http", `the server answered ${status}`);
  if (!accept(contentType))
    throw new FetchError("bad_type", `only HTML, text and JSON can be read, not ${contentType || "unknown"}`);
  return {
    status,
    contentTypeHeader,
    contentType,
    decompressor: decoder(response.headers["content-encoding"]),
  };
}

interface BodyReader {
  url: URL;
  o: SafeFetchOptions;
  signal: AbortSignal;
  resolve: (page: FetchedPage) => void;
  reject: (e: Error) => void;
}

/**
 * Reads the body, decompressed, up to maxBytes, and settles once: the page (cut at maxBytes), or a FetchError.
 * Returns the failure handler, which also ends the body's streams.
 */
function readBody(
  response: http.IncomingMessage,
  checked: CheckedResponse,
  r: BodyReader,
): (e: Error) => void {
  const maxBytes = r.o.maxBytes ?? FETCH_MAX_BYTES;
  const d = checked.decompressor;
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  // Ends the response and the decompressor: a cut-off body leaves no inflating behind (a zip bomb's
  // buffered input would otherwise go on expanding after the page was returned).
  const stop = () => {
    d?.destroy();
    response.destroy();
  };
  const done = (truncated: boolean) => {
    if (settled) return;
    settled = true;
    const body = Buffer.concat(chunks);
    r.resolve({
      url: r.url.href,
      status: checked.status,
      contentType: checked.contentType,
      text: r.o.raw ? "" : new TextDecoder(charsetOf(checked.contentTypeHeader)).decode(body),
      ...(r.o.raw ? { bytes: body } : {}),
      truncated,
    });
  };
  const failed = (e: Error) => {
    if (settled) return;
    settled = true;
    stop();
    r.reject(
      r.signal.aborted ? timedOut(r.o) : new FetchError("network", `reading the page failed (${e.message})`),
    );
  };
  // pipeline destroys both streams when either fails or the response closes early (an abort).
  const stream = d ? pipeline(response, d, (e: Error | null) => e && failed(e)) : response;
  if (!d) response.on("error", failed);
  stream.on("data", (chunk: Buffer) => {
    if (settled) return;
    const room = maxBytes - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      size = maxBytes;
      stop();
      done(true);
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  stream.on("end", () => done(false));
  return failed;
}

/** Fetches `rawUrl` under the rules of the module comment; throws FetchError for anything refused or failed. */
export async function safeFetch(rawUrl: string, o: SafeFetchOptions = {}): Promise<FetchedPage> {
  const timeout = AbortSignal.timeout(o.timeoutMs ?? FETCH_TIMEOUT_MS);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  try {
    return await fetchHops(rawUrl, o, signal);
  } catch (error) {
    if (error instanceof FetchError) throw error;
    if (timeout.aborted) throw timedOut(o);
    throw error; // the caller's own abort (stopping)
  }
}

async function fetchHops(rawUrl: string, o: SafeFetchOptions, signal: AbortSignal): Promise<FetchedPage> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new FetchError("bad_url", "that is not a valid URL");
  }
  let options = o;
  for (let hop = 0; ; hop++) {
    const to = await checkTarget(url, options, signal);
    signal.throwIfAborted();
    const result = await requestOnce(url, to, options, signal);
    if (!("redirect" in result)) return result;
    if (hop >= FETCH_MAX_REDIRECTS)
      throw new FetchError("too_many_redirects", "the page redirects too many times");
    let next: URL;
    try {
      next = new URL(result.redirect, url);
    } catch {
      throw new FetchError("bad_url", "the page redirects to an invalid URL");
    }
    // A redirect is a new request: GET, no body (as browsers do for 301/302/303). The caller's headers are
    // meant for the origin it asked (a search provider's key): they never follow the page elsewhere.
    options = {
      ...options,
      method: "GET",
      body: undefined,
      headers: next.origin === url.origin ? options.headers : undefined,
    };
    url = next;
  }
}

/** An allowance for loopback addresses only (the test-only search setting). */
export const loopbackOnly = (ip: string) => isLoopback(ip);
