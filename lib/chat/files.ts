import "server-only";
/**
 * Photos, voice notes and files in the browser chat, both ways.
 *
 * Showing: the page never sees a key. A file in the conversation is read here, in the web process, from
 * the guest session that already holds its message (lib/attachments/download.ts: the SSRF-safe download,
 * the digest check, the decryption in memory, the declared type checked against the bytes) and served to
 * the signed-in owner by app/api/agents/[id]/chat/attachments/[messageId]/route.ts, per request, with the
 * type the bytes proved. Nothing decrypted is kept or written: the bytes live for one response.
 *
 * Sending: the owner's file is checked (size, and an image must be an image by its bytes), encrypted and
 * stored for the agent like the files it sends (lib/files/store.ts; so it expires with RETENTION_DAYS and
 * is erased with the agent), and the guest sends the remote attachment.
 */
import { decryptAttachment } from "@xmtp/node-sdk";
import { config } from "@/lib/config";
import {
  AttachmentError,
  downloadRemote,
  readInline,
  type AttachmentLimits,
  type ReadAttachment,
} from "@/lib/attachments/download";
import { checkDeclared, sniff } from "@/lib/attachments/sniff";
import { AppError } from "@/lib/errors";
import { servedBlob } from "@/lib/files/blobs";
import { FileError } from "@/lib/files/errors";
import { apiSecurityHeaders } from "@/lib/security-headers";
import { fileSettings } from "@/lib/files/settings";
import { MAX_UPLOAD_BYTES, storeFile } from "@/lib/files/store";
import { ownerConversationInvite } from "@/lib/agents/queries";
import { guestChat, type ChatFile, type GuestChat, type OpenGuestChat } from "./guest";

/**
 * How the web process reads files: the members' limits; its own blobs ({PUBLIC_URL}/api/blobs/{id}) read
 * from the Blob table rather than by a request to itself, and its S3 store reachable even when private.
 */
export function chatFileLimits(): AttachmentLimits {
  const c = config();
  const files = fileSettings(c);
  const blobs = `${files.publicUrl}/api/blobs/`;
  return {
    maxBytes: c.ATTACHMENT_MAX_BYTES,
    timeoutMs: c.ATTACHMENT_TIMEOUT_MS,
    hosts: [...c.ATTACHMENT_HOSTS, ...(files.s3 ? [new URL(files.s3.publicUrl).origin] : [])],
    // In memory on the web's own thread: the thread pool's worker file is not in the Next.js bundle, and
    // the web reads one file per request (about 30 ms per MB).
    decrypt: async (payload, ref) => decryptAttachment(payload, ref),
    held: async (url) =>
      url.startsWith(blobs) ? (await servedBlob(url.slice(blobs.length)))?.data : undefined,
  };
}

/** The file's bytes, checked (see lib/attachments/download.ts); throws AttachmentError. */
export function readChatFile(
  file: ChatFile,
  limits: AttachmentLimits,
  signal?: AbortSignal,
): Promise<ReadAttachment> {
  return "inline" in file.ref
    ? Promise.resolve(readInline(file.ref.inline, limits))
    : downloadRemote(file.ref.remote, limits, signal);
}

/** The Content-Type a read file is served with: the one its bytes proved, never only the sender's word. */
export function servedType(a: ReadAttachment): string {
  switch (a.kind) {
    case "image":
    case "audio":
    case "video":
    case "pdf":
      return sniff(a.bytes).mime;
    case "text":
      return "text/plain; charset=utf-8";
    default:
      return "application/octet-stream";
  }
}

const plain = (status: number, text: string) =>
  new Response(text, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    },
  });

/** A filename safe in a quoted header value (RFC 6266's ASCII fallback plus the UTF-8 form). */
function disposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_").slice(0, 100) || "file";
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.slice(0, 100))}`;
}

/**
 * The response for file `index` of message `messageId` in the owner's guest chat: 404 when the message is
 * not in that chat's transcript, 422 when the file can't be read (with why, one clause), else its bytes.
 */
export async function chatFileResponse(
  chat: Pick<GuestChat, "file">,
  messageId: string,
  index: number,
  limits: AttachmentLimits,
  signal?: AbortSignal,
): Promise<Response> {
  const file = chat.file(messageId, index);
  if (!file) return plain(404, "Not found");
  let read: ReadAttachment;
  try {
    read = await readChatFile(file, limits, signal);
  } catch (error) {
    if (!(error instanceof AttachmentError)) throw error;
    console.warn(`[chat] file refused (${error.code}): ${error.message}`);
    return plain(422, `This file can't be shown: ${error.message}.`);
  }
  const type = servedType(read);
  const shown = read.kind === "image" ? "inline" : "attachment";
  return new Response(Buffer.from(read.bytes), {
    headers: {
      ...apiSecurityHeaders(new URL(config().PUBLIC_URL).protocol === "https:"),
      "content-type": type,
      "content-length": String(read.bytes.length),
      "content-disposition": disposition(shown, read.filename || file.name),
      "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
      "cache-control": "private, no-store",
      "cross-origin-resource-policy": "same-origin",
    },
  });
}

const MESSAGE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_INDEX = 20;

/** Who asks for which file (the route's parameters, unchecked). */
export interface FileRequest {
  user: { id: string; name: string | null };
  agentId: string;
  messageId: string;
  index: number;
  signal?: AbortSignal;
}

/**
 * The route's answer for the signed-in user's file: 404 unless the agent is theirs (its owner
 * conversation), the message is in their guest chat's transcript, and the file is in the message.
 */
export async function ownerChatFileResponse(
  r: FileRequest,
  open: (request: OpenGuestChat) => Promise<Pick<GuestChat, "file">> = guestChat,
): Promise<Response> {
  const valid =
    r.agentId.length <= 64 && MESSAGE_ID.test(r.messageId) && Number.isInteger(r.index) && r.index >= 0;
  const inviteUrl =
    valid && r.index <= MAX_INDEX ? await ownerConversationInvite(r.agentId, r.user.id) : null;
  if (!inviteUrl) return plain(404, "Not found");
  const chat = await open({ userId: r.user.id, agentId: r.agentId, inviteUrl, name: r.user.name ?? "You" });
  return chatFileResponse(chat, r.messageId, r.index, chatFileLimits(), r.signal);
}

/** A file the owner picked in the browser chat, as the form sends it. */
export interface Upload {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** Checks, encrypts, stores and sends the owner's file through their guest chat; throws AppError. */
export async function sendUpload(
  chat: Pick<GuestChat, "sendFile">,
  agentId: string,
  upload: Upload,
): Promise<void> {
  if (upload.bytes.length === 0) throw new AppError("invalid_input", "The file is empty.", 400);
  if (upload.bytes.length > MAX_UPLOAD_BYTES)
    throw new AppError("invalid_input", `Files can be at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`, 400);
  const mimeType = (upload.type || "application/octet-stream").slice(0, 100);
  if (!checkDeclared(mimeType, upload.bytes))
    throw new AppError("invalid_input", `That file isn't really ${mimeType}.`, 400);
  const filename = upload.name.replace(/[\\/\x00-\x1f]/g, "_").slice(0, 200) || "file";
  let attachment;
  try {
    attachment = await storeFile(
      fileSettings(config()),
      agentId,
      { filename, mimeType, content: upload.bytes },
      MAX_UPLOAD_BYTES,
    );
  } catch (error) {
    if (error instanceof FileError)
      throw new AppError("file_refused", `Couldn't send the file: ${error.message}.`, 400);
    throw error;
  }
  await chat.sendFile(attachment);
}
