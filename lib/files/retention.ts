/**
 * The retention pass's share for files kept in the S3 store: the objects of blobs that expired (or are
 * older than the cutoff) are deleted there, then their rows. A row whose object could not be deleted stays
 * for the next pass; lib/retention/prune.ts drops such rows a week later whatever happens (the bucket's
 * lifecycle rule, docs/configuration.md, removes what is left), so a store that went away leaves no rows.
 */
import { db } from "@/lib/db";
import { deleteObject } from "./s3";
import type { S3Settings } from "./settings";

/** Objects one pass deletes at most (the next pass goes on). */
export const OBJECTS_PER_PASS = 500;

/** Deletes the expired blobs' objects from the store, then their rows; returns how many went. */
export async function pruneStoredObjects(s3: S3Settings, cutoff: Date): Promise<number> {
  const rows = await db.blob.findMany({
    where: { s3Key: { not: null }, OR: [{ expiresAt: { lt: new Date() } }, { createdAt: { lt: cutoff } }] },
    select: { id: true, s3Key: true },
    orderBy: { expiresAt: "asc" },
    take: OBJECTS_PER_PASS,
  });
  const gone: string[] = [];
  for (const row of rows)
    if (
      row.s3Key &&
      (await deleteObject(s3, row.s3Key).then(
        () => true,
        () => false,
      ))
    )
      gone.push(row.id);
  const { count } = await db.blob.deleteMany({ where: { id: { in: gone } } });
  return count;
}
