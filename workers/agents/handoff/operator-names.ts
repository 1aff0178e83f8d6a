/**
 * Operators' names for the owner's page: the agent reads a new operator's
 * Convos profile from its conversation (profile updates and snapshots) and
 * stores the name; later profile updates from an operator refresh it.
 */
import type { DecodedMessage } from "@xmtp/node-sdk";
import type { Conversation } from "@/lib/agents/conversation";
import { rememberOperatorName } from "@/lib/agents/operators";
import { ContentTypeProfileUpdate, isContentType, PLACEHOLDER_NAME, type ProfileUpdate } from "@/lib/convos";

/** Stores the profile name `inboxId` has in `conversation`, if it has one and is an operator of the agent. */
export async function noteOperatorName(
  conversation: Conversation,
  agentId: string,
  inboxId: string,
): Promise<void> {
  const name = (await conversation.profileName(inboxId))?.trim();
  if (name && name !== PLACEHOLDER_NAME) await rememberOperatorName(agentId, inboxId, name);
}

/** A profile update from the chat: refreshes the name if its sender is an operator. */
export async function noteProfileUpdate(agentId: string, m: DecodedMessage<unknown>): Promise<void> {
  if (!isContentType(m.contentType, ContentTypeProfileUpdate)) return;
  const name = (m.content as ProfileUpdate | undefined)?.name?.trim();
  if (name) await rememberOperatorName(agentId, m.senderInboxId, name);
}
