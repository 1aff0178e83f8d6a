/** Reads of the attestations agents published: what the renewal needs, and the admin page's summary. */
import { db } from "@/lib/db";

export interface PublishedProfile {
  identityId: string;
  attestedAt: Date | null;
  profileName: string | null;
}

/** The last published profile of each of `identityIds` (the ones a worker runs). */
export async function publishedProfiles(identityIds: readonly string[]): Promise<PublishedProfile[]> {
  if (identityIds.length === 0) return [];
  const rows = await db.identity.findMany({
    where: { id: { in: [...identityIds] } },
    select: { id: true, attestedAt: true, profileName: true },
  });
  return rows.map((r) => ({ identityId: r.id, attestedAt: r.attestedAt, profileName: r.profileName }));
}

export interface AttestationHealth {
  /** Identities of live agents that are live themselves: their conversations. */
  live: number;
  /** Of those, how many carry no attestation yet. */
  unattested: number;
  /** The oldest attestation among the others; null when none has one. */
  oldestAt: Date | null;
}

/** The oldest attestation among live agents' conversations (verifiers reject one older than 24 h). */
export async function attestationHealth(): Promise<AttestationHealth> {
  const where = { status: "live", agent: { status: "live" } } as const;
  const [all, unattested] = await Promise.all([
    db.identity.aggregate({ where, _count: { _all: true }, _min: { attestedAt: true } }),
    db.identity.count({ where: { ...where, attestedAt: null } }),
  ]);
  return { live: all._count._all, unattested, oldestAt: all._min.attestedAt };
}
