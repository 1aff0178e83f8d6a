/**
 * Sending a file: it is encrypted here, in memory (node-sdk's encryptAttachment: a fresh secret, salt and
 * nonce per file, AES-256-GCM over the encoded attachment, the digest over the ciphertext), the ciphertext
 * is stored, and what comes back is the XMTP remote attachment (`xmtp.org/remoteStaticAttachment:1.0`)
 * whose URL, digest and keys let a member's app fetch, check and decrypt it. Nothing decrypted is written
 * anywhere: not to disk, and not to the database.
 *
 * Where the ciphertext goes: the S3 store when one is configured (the row is written first, so an erasure
 * finds the object even when the PUT's answer is lost), else the Blob table, which the web app
 * serves at {PUBLIC_URL}/api/blobs/{id}. Every file goes as a remote attachment, never inline: that is
 * what the Convos apps and the official CLI send (`conversation send-attachment`, `agent serve`'s attach),
 * and one path is one thing to test. The scheme is "https", as the CLI writes it.
 */
import { encryptAttachment, type RemoteAttachment } from "@xmtp/node-sdk";
import { blobUse, createBlob, MAX_BLOB_BYTES, newBlobId } from "./blobs";
import { FileError } from "./errors";
import { objectUrl, putObject } from "./s3";
import type { FileSettings } from "./settings";

/** The largest file an agent sends (what it composes is a few kilobytes). */
export const MAX_FILE_BYTES = 512 * 1024;
/** Files one agent may send in any hour: a model looping on send_file fills no store. */
export const FILES_PER_HOUR = 30;
/** What one agent may have stored at once (until its files expire). */
export const MAX_STORED_BYTES = 20 * 1024 * 1024;

export interface OutgoingFile {
  filename: string;
  mimeType: string;
  content: Uint8Array;
}

const DAY_MS = 86_400_000;

/** Refuses a file over the agent's hourly count or stored bytes (FILES_PER_HOUR, MAX_STORED_BYTES). */
async function checkAllowance(agentId: string, size: number): Promise<void> {
  const use = await blobUse(agentId, new Date(Date.now() - 3_600_000));
  if (use.recent >= FILES_PER_HOUR)
    throw new FileError(`you have sent ${FILES_PER_HOUR} files in the last hour; try again later`);
  if (use.bytes + size > MAX_STORED_BYTES)
    throw new FileError("your stored files are at their limit until older ones expire");
}

/** The largest file the owner sends from the browser chat (a photo straight from a phone). */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

/** Encrypts and stores `file` for `agentId` (at most `maxBytes`); the remote attachment to send. */
export async function storeFile(
  settings: FileSettings,
  agentId: string,
  file: OutgoingFile,
  maxBytes = MAX_FILE_BYTES,
): Promise<RemoteAttachment> {
  if (file.content.length > maxBytes)
    throw new FileError(`the file is too large (at most ${Math.floor(maxBytes / 1024)} KB)`);
  const encrypted = encryptAttachment({ ...file });
  if (encrypted.payload.length > MAX_BLOB_BYTES) throw new FileError("the file is too large");
  await checkAllowance(agentId, encrypted.payload.length);
  const id = newBlobId();
  const expiresAt = new Date(Date.now() + settings.retentionDays * DAY_MS);
  const size = encrypted.payload.length;
  let url: string;
  if (settings.s3) {
    const key = `${id}.bin`;
    // Kept when the PUT fails: its answer may be what was lost, and the row is how the object is found.
    await createBlob({ id, agentId, size, expiresAt, s3Key: key });
    await putObject(settings.s3, key, encrypted.payload);
    url = objectUrl(settings.s3, key);
  } else {
    await createBlob({ id, agentId, size, expiresAt, data: encrypted.payload });
    url = `${settings.publicUrl}/api/blobs/${id}`;
  }
  return {
    url,
    contentDigest: encrypted.contentDigest,
    secret: encrypted.secret,
    salt: encrypted.salt,
    nonce: encrypted.nonce,
    scheme: "https",
    contentLength: size,
    filename: file.filename,
  };
}
