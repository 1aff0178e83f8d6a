/** Writes of an identity's published profile: when it was last attested, and the name it carries. */
import { db } from "@/lib/db";

/**
 * Records the profile `identityId` just published: `name`, attested at `attestedAt` (null: sent without
 * attestation, attestation being off). Recorded after the send, so a failed send leaves the old time and
 * the renewal tries again.
 */
export async function recordProfilePublished(
  identityId: string,
  name: string,
  attestedAt: Date | null,
): Promise<void> {
  await db.$executeRaw`
    UPDATE "Identity" SET "profileName" = ${name}, "attestedAt" = ${attestedAt}, "updatedAt" = now()
    WHERE id = ${identityId}`;
}
