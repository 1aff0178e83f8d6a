/**
 * Profile resolution (docs/convos-protocol.md §8.3): for each member, the latest ProfileUpdate sent
 * by that member, else the most recent ProfileSnapshot that lists it, else the
 * legacy appData profile, else nothing ("Somebody"). A provisional profile from
 * a join request ranks below all of these. Works on any message list, so it
 * serves both the creator (building snapshots) and the chat client (names).
 */
import {
  ContentTypeProfileSnapshot,
  ContentTypeProfileUpdate,
  MemberKind,
  isContentType,
  type MemberProfile,
  type ProfileSnapshot,
  type ProfileUpdate,
} from "@/lib/convos/codecs";
import type { ContentTypeId } from "@/lib/convos/codecs/json";
import { readAppDataForDisplay } from "./metadata";

export type ProfileSource = "update" | "snapshot" | "appData" | "provisional";

export interface ResolvedProfile extends MemberProfile {
  source: ProfileSource;
}

/** The fields of a node-sdk DecodedMessage this module reads. */
export interface ProfileMessage {
  senderInboxId: string;
  contentType?: ContentTypeId | null;
  content: unknown;
  sentAtNs: bigint;
}

export const PLACEHOLDER_NAME = "Somebody";

/**
 * Resolves profiles by the §8.3 order. `messages` may come in any order; later
 * sentAtNs wins within a tier. `provisional` are join-request profiles (§6.2).
 */
export function resolveProfiles(
  messages: readonly ProfileMessage[],
  appData?: string,
  provisional: ReadonlyMap<string, ProfileUpdate> = new Map(),
): Map<string, ResolvedProfile> {
  const newestFirst = [...messages].sort((a, b) =>
    a.sentAtNs < b.sentAtNs ? 1 : a.sentAtNs > b.sentAtNs ? -1 : 0,
  );
  const out = new Map<string, ResolvedProfile>();
  const fromSnapshot = new Map<string, ResolvedProfile>();
  for (const m of newestFirst) {
    if (!m.content || typeof m.content !== "object") continue;
    if (isContentType(m.contentType, ContentTypeProfileUpdate)) {
      // Only the sender's own update counts: the envelope authenticates the sender.
      if (!out.has(m.senderInboxId))
        out.set(m.senderInboxId, {
          ...(m.content as ProfileUpdate),
          inboxId: m.senderInboxId,
          source: "update",
        });
    } else if (isContentType(m.contentType, ContentTypeProfileSnapshot)) {
      for (const p of (m.content as ProfileSnapshot).profiles ?? []) {
        if (!fromSnapshot.has(p.inboxId)) fromSnapshot.set(p.inboxId, { ...p, source: "snapshot" });
      }
    }
  }
  for (const [id, p] of fromSnapshot) if (!out.has(id)) out.set(id, p);
  for (const legacy of readAppDataForDisplay(appData).profiles) {
    if (out.has(legacy.inboxId)) continue;
    out.set(legacy.inboxId, {
      inboxId: legacy.inboxId,
      name: legacy.name,
      encryptedImage: legacy.encryptedImage,
      memberKind: MemberKind.Unspecified,
      source: "appData",
    });
  }
  for (const [id, p] of provisional)
    if (!out.has(id)) out.set(id, { ...p, inboxId: id, source: "provisional" });
  return out;
}

/** A display name for a member; "Somebody" when nothing is known, as iOS shows. */
export function displayName(profiles: ReadonlyMap<string, ResolvedProfile>, inboxId: string): string {
  return profiles.get(inboxId)?.name?.trim() || PLACEHOLDER_NAME;
}

/**
 * Our own profile as an agent: member_kind = agent, plus attestation keys when we have them (§8.5) and the
 * agent's e-mail address (`email`) once it has an inbox.
 */
export function agentProfileUpdate(
  name: string,
  attestation?: { attestation: string; attestation_ts: string; attestation_kid: string },
  email?: string,
): ProfileUpdate {
  const metadata = { ...attestation, ...(email ? { email } : {}) };
  return { name, memberKind: MemberKind.Agent, ...(Object.keys(metadata).length > 0 ? { metadata } : {}) };
}

/** Snapshot of the given members from resolved profiles; members without a profile are left out. */
export function buildProfileSnapshot(
  memberInboxIds: readonly string[],
  profiles: ReadonlyMap<string, ResolvedProfile>,
): ProfileSnapshot {
  const list: MemberProfile[] = [];
  for (const id of memberInboxIds) {
    const p = profiles.get(id);
    if (!p) continue;
    const { source: _source, ...profile } = p;
    void _source;
    list.push(profile);
  }
  return { profiles: list };
}
