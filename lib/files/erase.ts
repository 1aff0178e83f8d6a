/**
 * Before an erasure deletes an agent's rows (its Blob rows go by cascade), the objects its files left in
 * the S3 store are deleted there, as far as the store can be reached: a failure doesn't hold the erasure
 * up, and the bucket's lifecycle rule (RETENTION_DAYS, docs/configuration.md) removes what is left.
 */
import { config } from "@/lib/config";
import { s3KeysOf } from "./blobs";
import { deleteObject } from "./s3";
import { fileSettings } from "./settings";

/** Deletes the agents' stored objects in the S3 store when one is configured (best effort). */
export async function deleteStoredObjects(agentIds: string[]): Promise<void> {
  const s3 = fileSettings(config()).s3;
  if (!s3) return;
  for (const key of await s3KeysOf(agentIds)) await deleteObject(s3, key).catch(() => undefined);
}
