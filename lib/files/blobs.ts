/**
 * The Blob table: the encrypted files agents sent. Without an S3 store a row holds the payload, which the
 * web app serves at /api/blobs/{id} until it expires; with one it holds the object's key, so the
 * retention pass and an erasure can find the object. A blob's id is 24 random bytes (32 URL-safe
 * characters): its URL is the only way to it, and what it serves is useless without the key that
 * travels only inside the XMTP message.
 */
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";

/** The largest payload a row holds: a photo the owner sends from the browser chat (8 MB), encrypted. */
export const MAX_BLOB_BYTES = 9 * 1024 * 1024;

const ID = /^[A-Za-z0-9_-]{32}$/;

/** A new blob id (see the module comment). */
export const newBlobId = () => randomBytes(24).toString("base64url");

/** True when `id` could be a blob id (anything else is answered 404 without a query). */
export const isBlobId = (id: string) => ID.test(id);

export interface NewBlob {
  id: string;
  agentId: string;
  size: number;
  expiresAt: Date;
  /** The payload, for the blob route; or... */
  data?: Uint8Array;
  /** ...the key of the object in the S3 store. */
  s3Key?: string;
}

/** Records a blob. */
export async function createBlob(b: NewBlob): Promise<void> {
  if (b.data && b.data.length > MAX_BLOB_BYTES)
    throw new Error(`a blob holds at most ${MAX_BLOB_BYTES} bytes`);
  await db.blob.create({
    data: {
      id: b.id,
      agentId: b.agentId,
      size: b.size,
      expiresAt: b.expiresAt,
      data: b.data ? new Uint8Array(b.data) : null,
      s3Key: b.s3Key ?? null,
    },
  });
}

/** The payload the blob route serves for `id`, with its expiry; null when unknown, expired or kept in S3. */
export async function servedBlob(
  id: string,
  now = new Date(),
): Promise<{ data: Uint8Array; expiresAt: Date } | null> {
  if (!isBlobId(id)) return null;
  const row = await db.blob.findFirst({
    where: { id, expiresAt: { gt: now }, data: { not: null } },
    select: { data: true, expiresAt: true },
  });
  return row?.data ? { data: row.data, expiresAt: row.expiresAt } : null;
}

/** How many blobs the agent stored since `since`, and the bytes it holds now (expired ones left out). */
export async function blobUse(agentId: string, since: Date): Promise<{ recent: number; bytes: number }> {
  const [recent, held] = await Promise.all([
    db.blob.count({ where: { agentId, createdAt: { gte: since } } }),
    db.blob.aggregate({ where: { agentId, expiresAt: { gt: new Date() } }, _sum: { size: true } }),
  ]);
  return { recent, bytes: held._sum.size ?? 0 };
}

/** The S3 keys of the agents' blobs (for an erasure to delete the objects first). */
export async function s3KeysOf(agentIds: string[]): Promise<string[]> {
  const rows = await db.blob.findMany({
    where: { agentId: { in: agentIds }, s3Key: { not: null } },
    select: { s3Key: true },
  });
  return rows.flatMap((r) => (r.s3Key ? [r.s3Key] : []));
}

/** The agent's blobs as its export lists them: ids, sizes and times, never their bytes. */
export function sentFilesOf(agentId: string) {
  return db.blob.findMany({
    where: { agentId },
    select: { id: true, size: true, createdAt: true, expiresAt: true },
    orderBy: { createdAt: "asc" },
  });
}
