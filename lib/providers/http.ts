/**
 * How we call an outside provider's HTTP API (OpenRouter, AgentMail, Telnyx):
 * a deadline on every attempt, and a few retries with backoff on what is worth
 * retrying (a 5xx, a 429, a timeout, a refused connection), honouring a
 * Retry-After within reason. Everything else (4xx) is the answer and comes back
 * at once.
 *
 * Errors name the provider, the method, the path and the status, never the
 * key or the body we sent, so a ProviderError can be logged as it is. The
 * provider's own error text is kept short (`detail`) and is for logs, not for
 * the chat: what the model or a member reads is a line of ours.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** One attempt's deadline unless the caller sets another. */
export const PROVIDER_TIMEOUT_MS = 10_000;
/** Attempts after the first, on a retryable failure. */
export const PROVIDER_RETRIES = 2;
/** The first backoff; doubled each retry, with jitter. */
const BACKOFF_MS = 250;
/** A Retry-After longer than this is not waited for: the failure is the answer. */
const MOST_RETRY_AFTER_MS = 10_000;
/** How much of a provider's error body is kept for the logs. */
const DETAIL_CHARS = 300;

export interface ProviderCall {
  /** For errors and logs: "openrouter", "agentmail", "telnyx". */
  provider: string;
  baseUrl: string;
  /** The bearer key; never logged. */
  apiKey: string;
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Joined to baseUrl ("/v0/inboxes"). */
  path: string;
  /** Sent as JSON; a FormData is sent as multipart/form-data (an audio upload). */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  retries?: number;
  /** The caller's own cancellation (a shutdown). */
  signal?: AbortSignal;
}

export interface ProviderResponse<T> {
  status: number;
  /** The parsed JSON body; undefined for an empty one. */
  body: T;
}

/** A provider call that failed: a status it answered with, or no answer at all (status 0). */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly status: number,
    /** The provider's error text, cut short: for logs only. */
    readonly detail: string,
    /** The provider's parsed error body, when it was JSON (e.g. OpenRouter's 402 reason). */
    readonly body?: unknown,
  ) {
    super(`${provider}: ${status === 0 ? "no answer" : `HTTP ${status}`}${detail ? ` (${detail})` : ""}`);
    this.name = "ProviderError";
  }
}

/** Whether a failure with this status is worth another attempt. */
export const retryable = (status: number): boolean => status === 0 || status === 429 || status >= 500;

/** The wait a Retry-After asks for (seconds or a date), within MOST_RETRY_AFTER_MS; undefined = none or too long. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms) || ms < 0) return 0;
  return ms <= MOST_RETRY_AFTER_MS ? ms : undefined;
}

const backoff = (attempt: number) => BACKOFF_MS * 2 ** attempt * (0.5 + Math.random());

/** Calls the provider, retrying what is worth retrying; throws ProviderError for anything but a 2xx. */
export async function providerRequest<T = unknown>(call: ProviderCall): Promise<ProviderResponse<T>> {
  const retries = call.retries ?? PROVIDER_RETRIES;
  for (let attempt = 0; ; attempt++) {
    const outcome = await attemptOnce<T>(call);
    if (!("error" in outcome)) return outcome;
    const { error } = outcome;
    const last = attempt >= retries || !retryable(error.status) || call.signal?.aborted;
    const wait = error.status === 429 ? retryAfterMs(outcome.retryAfter) : backoff(attempt);
    if (last || wait === undefined) throw error;
    await sleep(wait, undefined, { signal: call.signal });
  }
}

interface Failed {
  error: ProviderError;
  retryAfter: string | null;
}

const failed = (error: ProviderError, retryAfter: string | null = null): Failed => ({ error, retryAfter });

async function attemptOnce<T>(call: ProviderCall): Promise<ProviderResponse<T> | Failed> {
  const timeout = AbortSignal.timeout(call.timeoutMs ?? PROVIDER_TIMEOUT_MS);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(new URL(call.path.replace(/^\//, ""), withSlash(call.baseUrl)), {
      method: call.method ?? "GET",
      headers: {
        authorization: `Bearer ${call.apiKey}`,
        accept: "application/json",
        ...(call.body === undefined || call.body instanceof FormData
          ? {}
          : { "content-type": "application/json" }),
        ...call.headers,
      },
      body: call.body === undefined || call.body instanceof FormData ? call.body : JSON.stringify(call.body),
      signal,
      redirect: "error",
    });
  } catch (error) {
    if (call.signal?.aborted) throw error;
    const why = timeout.aborted ? "timed out" : "unreachable";
    return failed(new ProviderError(call.provider, 0, `${call.method ?? "GET"} ${call.path} ${why}`));
  }
  const text = await res.text().catch(() => "");
  const body = parseJson(text);
  if (res.ok) return { status: res.status, body: body as T };
  return failed(
    new ProviderError(
      call.provider,
      res.status,
      `${call.method ?? "GET"} ${call.path}: ${text.slice(0, DETAIL_CHARS)}`,
      body,
    ),
    res.headers.get("retry-after"),
  );
}

const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
