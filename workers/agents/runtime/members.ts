/**
 * Who is in an agent's conversation and what they are called, for the model:
 * each member's Convos profile name (latest profile_update, else snapshot,
 * else legacy appData: lib/convos/profiles.ts), or a short inbox id when they
 * have none. Profile messages are read once, when first needed, then kept up
 * to date from the messages the runtime sees.
 */
import type { DecodedMessage, Group } from "@xmtp/node-sdk";
import {
  ContentTypeProfileSnapshot,
  ContentTypeProfileUpdate,
  isContentType,
  MemberKind,
  resolveProfiles,
  type ProfileMessage,
  type ResolvedProfile,
} from "@/lib/convos";

/** How far back the first read looks for profiles. */
const PROFILE_SCAN = 500;

export interface Member {
  inboxId: string;
  name: string;
}

/**
 * A profile name as the model reads it: one line, at most 40 characters, without the characters of the
 * turn labels ("[ref] Name:"), so a name cannot pass itself off as another member's turn.
 */
export const promptSafeName = (name: string) =>
  name
    .replace(/[\[\]:\p{Cc}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 40)
    .trim();

/** "member 1a2b3c4d": how a member without a profile is named. */
export const shortInboxId = (inboxId: string) => `member ${inboxId.slice(0, 8)}`;

const isProfileMessage = (m: { contentType?: DecodedMessage["contentType"] | null }) =>
  isContentType(m.contentType, ContentTypeProfileUpdate) ||
  isContentType(m.contentType, ContentTypeProfileSnapshot);

export class MemberDirectory {
  readonly #group: Group<unknown>;
  readonly #messages = new Map<string, ProfileMessage>();
  #profiles = new Map<string, ResolvedProfile>();
  #loaded: Promise<void> | undefined;

  constructor(group: Group<unknown>) {
    this.#group = group;
  }

  /** Takes note of a profile message (others are ignored). */
  observe(m: DecodedMessage<unknown>): void {
    if (!isProfileMessage(m) || this.#messages.has(m.id)) return;
    this.#messages.set(m.id, m as ProfileMessage);
    if (this.#loaded) this.#resolve();
  }

  #resolve() {
    this.#profiles = resolveProfiles([...this.#messages.values()], this.#group.appData);
  }

  async #load() {
    this.#loaded ??= (async () => {
      const recent = await this.#group.messages({ limit: PROFILE_SCAN });
      for (const m of recent) if (isProfileMessage(m)) this.#messages.set(m.id, m as ProfileMessage);
      this.#resolve();
    })().catch((error) => {
      this.#loaded = undefined; // read again next time
      throw error;
    });
    await this.#loaded;
  }

  /** A member's name; call `members()` first so profiles are loaded. */
  nameOf(inboxId: string): string {
    return promptSafeName(this.#profiles.get(inboxId)?.name ?? "") || shortInboxId(inboxId);
  }

  /** Whether `inboxId`'s Convos profile says it is an agent (member kind 1). */
  async isAgent(inboxId: string): Promise<boolean> {
    await this.#load();
    return this.#profiles.get(inboxId)?.memberKind === MemberKind.Agent;
  }

  /** The conversation's members with their names, the agent included. */
  async members(): Promise<Member[]> {
    await this.#load();
    const members = await this.#group.members();
    return members.map((m) => ({ inboxId: m.inboxId, name: this.nameOf(m.inboxId) }));
  }
}
