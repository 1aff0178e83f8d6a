/**
 * Operators' names for the owner's page: the agent reads a new operator's
 * Convos profile from its conversation (profile updates and snapshots) and
 * stores the name; later profile updates from an operator refresh it.
 */
import type { DecodedMessage, Group } from "@xmtp/node-sdk";
import { rememberOperatorName } from "@/lib/agents/operators";
import {
  ContentTypeProfileUpdate,
  Direction,
  isContentType,
  PLACEHOLDER_NAME,
  resolveProfiles,
  type ProfileMessage,
  type ProfileUpdate,
} from "@/lib/convos";

/** How far back a new operator's profile is looked for. */
const PROFILE_SCAN = 200;

/** Stores the profile name `inboxId` has in `group`, if it has one and is an operator of the agent. */
export async function noteOperatorName(
  group: Group<unknown>,
  agentId: string,
  inboxId: string,
): Promise<void> {
  const messages = await group.messages({ limit: PROFILE_SCAN, direction: Direction.Descending });
  const name = resolveProfiles(messages as ProfileMessage[], group.appData)
    .get(inboxId)
    ?.name?.trim();
  if (name && name !== PLACEHOLDER_NAME) await rememberOperatorName(agentId, inboxId, name);
}

/** A profile update from the chat: refreshes the name if its sender is an operator. */
export async function noteProfileUpdate(agentId: string, m: DecodedMessage<unknown>): Promise<void> {
  if (!isContentType(m.contentType, ContentTypeProfileUpdate)) return;
  const name = (m.content as ProfileUpdate | undefined)?.name?.trim();
  if (name) await rememberOperatorName(agentId, m.senderInboxId, name);
}
