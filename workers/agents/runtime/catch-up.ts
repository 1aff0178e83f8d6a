/**
 * What the catch-up pass answers: every text message of the conversation from
 * someone else that the ledger has not seen, that a run left unfinished, or
 * whose answer failed and may be retried (lib/ledger/messages.ts). Only text
 * is listed (node-sdk filters by content type), so a burst of reactions,
 * profiles or join requests can't push an unanswered question out of view;
 * pages go back from the newest until a whole page is handled (after a gap in
 * reading: and the gap is read), the retention horizon (older ledger rows are
 * pruned) or CATCH_UP_MAX_SCAN messages.
 */
import type { DecodedMessage, Group } from "@xmtp/node-sdk";
import { ContentTypes, Direction } from "@/lib/convos";
import { unansweredOf } from "@/lib/ledger/messages";

export const CATCH_UP_PAGE = 100;
export const CATCH_UP_MAX_SCAN = 5_000;
/**
 * A gap is read from this long before the stream stopped: message times are the node's clock, `since` is
 * ours, and a failed stream may have been dead a moment before it said so. Not much more: during a long
 * flood every catch-up reads the margin again.
 */
const GAP_MARGIN_MS = 10_000;

const nanoseconds = (ms: number) => BigInt(ms) * 1_000_000n;
/** Where reading a gap starts: the margin before the stream stopped, in the SDK's nanoseconds. */
const gapStartNs = (since: Date) => nanoseconds(since.getTime() - GAP_MARGIN_MS);

/**
 * The unanswered text messages of `group`, oldest first (the caller syncs the group first). After a gap
 * in reading (`gapSince`: when the stream stopped), every page back to it is read even when whole pages
 * are handled: the reopened stream may have handled the newest messages before this pass reads the gap.
 */
export async function unansweredMessages(
  group: Group<unknown>,
  identityId: string,
  ownInboxId: string,
  sentAfter: Date,
  gapSince?: Date,
): Promise<DecodedMessage<unknown>[]> {
  const found: DecodedMessage<unknown>[] = [];
  const gapFromNs = gapSince && gapStartNs(gapSince);
  let sentBeforeNs: bigint | undefined;
  for (let scanned = 0; scanned < CATCH_UP_MAX_SCAN;) {
    const page = await group.messages({
      limit: CATCH_UP_PAGE,
      direction: Direction.Descending,
      contentTypes: [ContentTypes.Text],
      excludeSenderInboxIds: [ownInboxId],
      sentAfterNs: nanoseconds(sentAfter.getTime()),
      sentBeforeNs,
    });
    scanned += page.length;
    const open = await unansweredOf(
      identityId,
      page.map((m) => m.id),
    );
    for (const m of page) if (open.has(m.id)) found.push(m);
    if (page.length < CATCH_UP_PAGE) break;
    sentBeforeNs = page[page.length - 1].sentAtNs;
    const inGap = gapFromNs !== undefined && sentBeforeNs > gapFromNs;
    if (open.size === 0 && !inGap) break;
  }
  return found.reverse();
}

/** The most context messages one gap replay reads (the newest of the gap). */
export const GAP_REPLAY_MAX = 500;

/**
 * What a stream that was not reading (paused for a flood, or failed and
 * reopened) would have shown besides texts: membership updates, Convos's own
 * messages (profiles, explode settings) and reactions (poll votes), oldest
 * first, the newest GAP_REPLAY_MAX of them. Each is safe to see twice.
 */
export async function missedContext(group: Group<unknown>, since: Date): Promise<DecodedMessage<unknown>[]> {
  const newestFirst = await group.messages({
    limit: GAP_REPLAY_MAX,
    direction: Direction.Descending,
    contentTypes: [ContentTypes.GroupUpdated, ContentTypes.Custom, ContentTypes.Reaction],
    sentAfterNs: gapStartNs(since),
  });
  return newestFirst.reverse();
}
