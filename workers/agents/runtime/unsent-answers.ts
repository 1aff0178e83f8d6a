/**
 * What a dead run left `sending` (lib/ledger/messages.ts), judged by what the conversation shows. Only a
 * text can be an answer (a profile or group update of ours says nothing):
 * - a message with a published text of ours after it was answered, and its run died before finishing: it is
 *   marked answered, and the thinking session that run may have opened on it is closed with a stop, since
 *   nobody else will (clients keep a session open until its stop);
 * - a message with no text of ours after it never got its answer out: it is reopened for the catch-up.
 *
 * Queued before the stream opens, so it runs before this run says anything: a text of ours after the
 * message is a dead run's answer, never this run's answer to a later message, which the stream replays at
 * once from the dead run's cursor. The sync publishes what a dead run left queued in the shared database; a
 * text still unpublished after it was cut off mid-send (its intent marked sent, the network never reached)
 * and will not go out, so it answers nothing. A mark too young to judge (its run may still be sending) is
 * waited for, this agent's answers held back meanwhile; later it would be hidden by this run's own answers,
 * and the question lost.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DecodedMessage, Group } from "@xmtp/node-sdk";
import type { Logger } from "pino";
import { Delivery, Direction } from "@/lib/convos";
import { reopenUnsent, settleSent, youngestSendingMs } from "@/lib/ledger/messages";
import type { Conversation } from "@/lib/agents/conversation";
import { stopEarlierThinking } from "@/workers/agents/answer/thinking";

/** The newest messages looked at for answers a dead run marked as sending. */
const UNSENT_WINDOW = 50;
/** A `sending` mark older than this was left by a run that died mid-send (a send takes far less). */
const UNSENT_AFTER_MS = 5_000;

export interface UnsentAnswersInput {
  group: Group<unknown>;
  conversation: Conversation;
  identityId: string;
  ownInboxId: string;
  log: Logger;
  state: { closed: boolean };
}

export async function settleUnsentAnswers(input: UnsentAnswersInput): Promise<void> {
  const { group, identityId, ownInboxId, log, state } = input;
  const isOwnText = (m: DecodedMessage<unknown>) =>
    m.senderInboxId === ownInboxId &&
    m.contentType?.typeId === "text" &&
    m.deliveryStatus === Delivery.Published;
  for (let pass = 0; pass < 3 && !state.closed; pass++) {
    await group.sync();
    const recent = (
      await group.messages({ limit: UNSENT_WINDOW, direction: Direction.Descending })
    ).reverse();
    await closeSentAnswers(input, recent, isOwnText);
    const unsent = recent.slice(recent.findLastIndex(isOwnText) + 1).map((m) => m.id);
    const reopened = await reopenUnsent(identityId, unsent, UNSENT_AFTER_MS);
    if (reopened > 0) log.warn({ reopened }, "answering again what a dead run never sent");
    const youngMs = await youngestSendingMs(identityId, unsent);
    if (youngMs === null || youngMs >= UNSENT_AFTER_MS) return;
    await sleep(UNSENT_AFTER_MS - youngMs + 100);
  }
}

/** Finishes the `sending` messages followed by a text of ours, and stops their thinking with that text. */
async function closeSentAnswers(
  { conversation, identityId, log }: UnsentAnswersInput,
  recent: DecodedMessage<unknown>[],
  isOwnText: (m: DecodedMessage<unknown>) => boolean,
): Promise<void> {
  const answerAfter = new Map<string, string>();
  let nextOwnText: string | undefined;
  for (let i = recent.length - 1; i >= 0; i--) {
    const m = recent[i];
    if (isOwnText(m)) nextOwnText = m.id;
    else if (nextOwnText) answerAfter.set(m.id, nextOwnText); // the ledger keeps only messages marked sending
  }
  const settled = await settleSent(identityId, [...answerAfter.keys()]);
  if (settled.length > 0)
    log.warn({ settled: settled.length }, "finished what a dead run sent but never marked");
  for (const id of settled) await stopEarlierThinking(conversation, id, answerAfter.get(id)!, log);
}
