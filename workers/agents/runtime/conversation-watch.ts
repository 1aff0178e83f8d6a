/**
 * An agent follows its conversation: it ends for the agent when the agent is
 * removed from the group, when the last other member leaves or is removed, or
 * when the conversation explodes (Convos writes its expiry into the group's
 * appData and announces it with an `explode_settings` message). The watch
 * reads the group updates and explode announcements the runtime's stream
 * delivers, keeps a timer for a future expiry, and reports the end once.
 */
import type { DecodedMessage, Group, GroupUpdated } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import {
  ContentTypeExplodeSettings,
  isContentType,
  isGroupUpdate,
  readAppDataForDisplay,
  type ExplodeSettings,
} from "@/lib/convos";
import type { StopReason } from "@/lib/agents/lifecycle";
import { cancelSchedulesOfMembers } from "@/lib/schedules/mutations";

export type ConversationEnd = Exclude<StopReason, "owner" | "admin">;

/** setTimeout's longest delay; a later expiry is re-armed when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ConversationWatch {
  /** Looks at one message of the group (group updates and explode announcements; the rest is ignored). */
  seen(m: DecodedMessage<unknown>): Promise<void>;
  /** Watches no more (teardown, or the agent winding down): `onEnded` is not called after it. */
  close(): void;
}

/** Starts watching: checks at once that the agent is still in an unexpired conversation; `onEnded` is called at most once. */
export function watchConversation(
  group: Group<unknown>,
  selfInboxId: string,
  onEnded: (reason: ConversationEnd) => void,
  log: Logger,
): ConversationWatch {
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const end = (reason: ConversationEnd) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    log.info({ reason }, "the conversation ended for the agent");
    onEnded(reason);
  };
  const expireAt = (at: number | undefined) => {
    clearTimeout(timer);
    if (at === undefined || ended) return;
    const ms = at - Date.now();
    if (ms <= 0) return end("expired");
    timer = setTimeout(() => expireAt(at), Math.min(ms, MAX_TIMER_MS));
    timer.unref();
  };
  const expiryOfGroup = () => {
    const seconds = readAppDataForDisplay(group.appData).expiresAtUnix;
    return seconds ? seconds * 1000 : undefined;
  };

  if (!group.isActive) end("removed");
  else expireAt(expiryOfGroup());

  return {
    async seen(m) {
      if (ended || m.conversationId !== group.id) return;
      if (isContentType(m.contentType, ContentTypeExplodeSettings)) {
        expireAt((m.content as ExplodeSettings | undefined)?.expiresAt.getTime());
        return;
      }
      if (!isGroupUpdate(m)) return;
      const update = m.content as GroupUpdated | undefined;
      const gone = [...(update?.removedInboxes ?? []), ...(update?.leftInboxes ?? [])].map((i) => i.inboxId);
      if (!group.isActive || gone.includes(selfInboxId)) return end("removed");
      // What the members who left asked for ends with them (lib/schedules/mutations.ts).
      if (gone.length > 0)
        await cancelSchedulesOfMembers(group.id, gone).catch((err) =>
          log.warn({ err }, "cancelling the schedules of members who left failed"),
        );
      const members = await group.members();
      if (!members.some((member) => member.inboxId === selfInboxId)) return end("removed");
      if (gone.length > 0 && members.length === 1) return end("alone");
      expireAt(expiryOfGroup()); // a metadata change may have written the expiry
    },
    close() {
      ended = true;
      clearTimeout(timer);
    },
  };
}
