/**
 * An attachment a member sent, as bytes the agent may read: an inline XMTP `attachment` as it came, or a
 * `remoteStaticAttachment` downloaded, checked and decrypted. Every step refuses rather than guesses:
 *
 *   memory    DOWNLOAD_SLOTS downloads at once per process, the rest wait their turn;
 *   size      the declared length (the encrypted payload's) must be within ATTACHMENT_MAX_BYTES before
 *             anything is fetched, and the body is cut, and refused, as soon as it passes that length
 *             while streaming (a store that sends more than declared is lying);
 *   where     the URL goes through the same SSRF-safe fetch as fetch_url (lib/web/safe-fetch.ts): public
 *             addresses on ports 80 and 443 only, every redirect checked again, a deadline
 *             (ATTACHMENT_TIMEOUT_MS). ATTACHMENT_HOSTS names origins that may be private (a deployment's
 *             own S3-compatible store); nothing else inside the network is reachable;
 *   digest    the payload's SHA-256 must be the message's `contentDigest` before it is decrypted;
 *   decrypt   in memory (node-sdk's `decryptAttachment`, on a worker thread: decrypt.ts), never written
 *             to disk;
 *   type      the declared MIME type must match the bytes (sniff.ts).
 *
 * AttachmentError's message is one short clause, safe to show in the chat.
 */
import { createHash } from "node:crypto";
import type { Attachment, RemoteAttachment } from "@xmtp/node-sdk";
import { FetchError, safeFetch, type Resolved } from "@/lib/web/safe-fetch";
import { decryptOffThread } from "./decrypt";
import { Slots } from "@/lib/slots";
import { checkDeclared, type AttachmentKind } from "./sniff";

export type AttachmentErrorCode =
  | "too_large"
  | "larger_than_declared"
  | "refused_address"
  | "unreachable"
  | "digest_mismatch"
  | "undecryptable"
  | "type_mismatch";

/** An attachment that can't be read; `message` says why in a few words ("it is larger than 25 MB"). */
export class AttachmentError extends Error {
  constructor(
    readonly code: AttachmentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AttachmentError";
  }
}

export interface AttachmentLimits {
  /** ATTACHMENT_MAX_BYTES. */
  maxBytes: number;
  /** ATTACHMENT_TIMEOUT_MS, for the whole download. */
  timeoutMs: number;
  /** ATTACHMENT_HOSTS: origins that may be on private addresses and ports. */
  hosts: readonly string[];
  /** Tests: a resolver of their own. */
  resolve?: (host: string) => Promise<Resolved[]>;
  /**
   * The payload at a URL this process holds itself (the web app's own Blob table), read without a request
   * to itself; undefined = fetch it. What it gives is checked like a download (size, digest, type).
   */
  held?: (url: string) => Promise<Uint8Array | undefined>;
  /** Where a checked payload is decrypted; default: off the main thread (decrypt.ts). */
  decrypt?: (payload: Uint8Array, ref: RemoteAttachment) => Promise<Attachment>;
}

/** An attachment's bytes, checked: what it is (its kind agrees with the bytes), its name and declared type. */
export interface ReadAttachment {
  filename: string;
  mimeType: string;
  kind: AttachmentKind;
  bytes: Uint8Array;
}

const megabytes = (n: number) => `${Math.round(n / 100_000) / 10} MB`;

/** Downloads (and their decryption) at once in this process: each holds a payload several times over. */
export const DOWNLOAD_SLOTS = 4;
const slots = new Slots(DOWNLOAD_SLOTS);

/** The decrypted, type-checked attachment of a `remoteStaticAttachment`; throws AttachmentError. */
export function downloadRemote(
  ref: RemoteAttachment,
  limits: AttachmentLimits,
  signal?: AbortSignal,
): Promise<ReadAttachment> {
  return slots.run(() => download(ref, limits, signal));
}

async function download(ref: RemoteAttachment, limits: AttachmentLimits, signal?: AbortSignal) {
  const declared = ref.contentLength ?? undefined;
  if (declared !== undefined && declared > limits.maxBytes)
    throw new AttachmentError("too_large", `it is larger than ${megabytes(limits.maxBytes)}`);
  const most = declared ?? limits.maxBytes;
  const held = await limits.held?.(ref.url);
  const payload = held
    ? { bytes: held.subarray(0, most), truncated: held.length > most }
    : await fetchPayload(ref.url, most, limits, signal);
  if (declared === undefined ? payload.truncated : payload.truncated || payload.bytes.length > declared)
    throw declared === undefined
      ? new AttachmentError("too_large", `it is larger than ${megabytes(limits.maxBytes)}`)
      : new AttachmentError("larger_than_declared", "its file is larger than the message says");
  const digest = createHash("sha256").update(payload.bytes).digest("hex");
  if (digest !== ref.contentDigest.trim().toLowerCase())
    throw new AttachmentError("digest_mismatch", "its file doesn't match the checksum in the message");
  let plain: Attachment;
  try {
    plain = await (limits.decrypt ?? decryptOffThread)(payload.bytes, ref);
  } catch {
    throw new AttachmentError("undecryptable", "its file could not be decrypted");
  }
  return checked({ ...plain, filename: plain.filename ?? ref.filename }, limits);
}

/** An inline `attachment`, size- and type-checked; throws AttachmentError. */
export function readInline(a: Attachment, limits: Pick<AttachmentLimits, "maxBytes">): ReadAttachment {
  return checked(a, limits);
}

function checked(a: Attachment, limits: Pick<AttachmentLimits, "maxBytes">): ReadAttachment {
  if (a.content.length > limits.maxBytes)
    throw new AttachmentError("too_large", `it is larger than ${megabytes(limits.maxBytes)}`);
  const mimeType = (a.mimeType || "application/octet-stream").slice(0, 200);
  const kind = checkDeclared(mimeType, a.content);
  if (!kind) throw new AttachmentError("type_mismatch", `its content isn't really ${mimeType}`);
  return { filename: (a.filename ?? "").slice(0, 200), mimeType, kind, bytes: a.content };
}

/** The payload at `url`, at most `most` bytes (`truncated` when there was more). */
async function fetchPayload(
  url: string,
  most: number,
  limits: AttachmentLimits,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const allowed = (u: URL) => limits.hosts.includes(u.origin);
  // Remote attachments are https (XMTP's `scheme`); a store of ATTACHMENT_HOSTS may be plain http.
  if (!URL.canParse(url) || (new URL(url).protocol !== "https:" && !allowed(new URL(url))))
    throw new AttachmentError("unreachable", "its link is not an https address");
  try {
    const page = await safeFetch(url, {
      raw: true,
      accept: () => true,
      maxBytes: most,
      timeoutMs: limits.timeoutMs,
      allowAddress: (_ip, u) => allowed(u),
      allowPort: allowed,
      resolve: limits.resolve,
      signal,
    });
    return { bytes: page.bytes ?? new Uint8Array(), truncated: page.truncated };
  } catch (error) {
    if (!(error instanceof FetchError)) throw error; // the caller's abort
    if (error.code === "refused_address" || error.code === "refused_port")
      throw new AttachmentError("refused_address", "it points at a private address");
    if (error.code === "bad_url") throw new AttachmentError("unreachable", "its link is not a web address");
    throw new AttachmentError("unreachable", `its file could not be downloaded (${error.message})`);
  }
}
