/**
 * Helpers for the tests that speak Convos: clients from the one test client
 * factory (test/xmtp-clients.ts) with every Convos codec, and a conversation
 * with an invite that lets joiners in.
 */
import type { Group } from "@xmtp/node-sdk";
import { join, type JoinOptions, type JoinResult } from "@/lib/convos/joiner.ts";
import { convosCodecs } from "@/lib/convos/codecs";
import {
  InMemoryLedger,
  createConvosConversation,
  inviteToConversation,
  startJoinRequestProcessor,
} from "@/lib/convos/creator/index.ts";
import { newUser, reopen, type TestUser } from "./xmtp-clients";

/** A test user whose client decodes every Convos content type. */
export type Identity = TestUser;

/** A new identity (key, database, registered client) on the local node. */
export function newIdentity(dir: string): Promise<Identity> {
  return newUser(dir, { codecs: convosCodecs });
}

/** Reopens an identity's client from its database, as after a process restart. */
export async function reopenIdentity(id: Identity): Promise<Identity> {
  return { ...id, client: await reopen(id, { codecs: convosCodecs }) };
}

/**
 * Joins through `inviteUrl` as `who` with the tests' timings (60 s: the worker's handoff and the join share two
 * cores with the other test file and worker processes; a sync every 300 ms); the result says how it ended.
 */
export function joinByInvite(
  who: Identity,
  inviteUrl: string,
  options: Partial<JoinOptions> = {},
): Promise<JoinResult> {
  return join(inviteUrl, {
    client: who.client,
    env: "local",
    timeoutMs: 60_000,
    syncIntervalMs: 300,
    ...options,
  });
}

export interface TestConversation {
  creator: Identity;
  group: Group<unknown>;
  /** The conversation's invite URL (env local). */
  url: string;
  /** Stops accepting join requests. */
  stop(): Promise<unknown>;
}

/**
 * A conversation made by a new identity with its invite, letting joiners in until stop(). With `creatorName`
 * the creator has a Convos profile (an agent's, by default); without, none.
 */
export async function openTestConversation(
  dir: string,
  o: { name: string; creatorName?: string; memberKind?: number },
): Promise<TestConversation> {
  const creator = await newIdentity(dir);
  const group = await createConvosConversation(creator.client, {
    name: o.name,
    profile: o.creatorName === undefined ? undefined : { name: o.creatorName, memberKind: o.memberKind ?? 1 },
  });
  const processor = await startJoinRequestProcessor({
    client: creator.client,
    privateKey: creator.privateKey,
    ledger: new InMemoryLedger(),
  });
  const { url } = await inviteToConversation(creator.client, group, creator.privateKey, "local");
  return { creator, group, url, stop: () => processor.stop() };
}

export { tempDir } from "./temp-dir";
export { waitFor } from "./wait-for";
