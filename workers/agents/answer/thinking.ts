/**
 * The Convos thinking status while an answer is made (`convos.org/thinking:1.0`, lib/convos/codecs/thinking.ts):
 * a `start` on the member's message once the answer has taken longer than `afterMs` (a quick answer shows
 * nothing, as before with the 👀 it replaces), and always its `stop` once a start went out: with the
 * answer's first message id, or without one when the answer failed, was skipped or the run is shutting
 * down. Clients keep a session open until its stop, so `done` belongs in a `finally`. Each send waits at
 * most `STATUS_TIMEOUT_MS`: a status is never worth holding an answer or a shutdown.
 *
 * A run killed between the start and the stop cannot send it; the message is answered again by the next
 * run (lib/ledger/messages.ts), which starts at once on a message taken before (`afterMs` 0, however quick
 * its answer), so its start and stop on the same message close the session; a message given up sends a
 * stop of its own (answer.ts).
 */
import type { Logger } from "pino";
import type { Conversation, MessageRef } from "@/lib/agents/conversation";
import type { Thinking } from "@/lib/convos/codecs";
import { withDeadline } from "@/lib/deadlines";

/** The label beside the indicator (3–5 words, as Convos clients show it). */
export const THINKING_LABEL = "Thinking about your message";
/** The longest a thinking status send is waited for. */
export const STATUS_TIMEOUT_MS = 5_000;

export interface ThinkingSession {
  /** Sends the stop if a start went out (once; later calls do nothing). */
  done(resultMessageId?: string): Promise<void>;
}

/** Sends one thinking status, bounded in time; a failure is logged, never thrown. */
export async function sendThinking(conversation: Conversation, t: Thinking, log: Logger): Promise<void> {
  await withDeadline(conversation.thinking(t), STATUS_TIMEOUT_MS, `thinking ${t.state}`).catch((err) =>
    log.warn({ err, state: t.state, messageId: t.targetMessageId }, "sending a thinking status failed"),
  );
}

/**
 * Closes the session an earlier run may have opened on `targetMessageId` and died before stopping (a
 * message given up, or answered by a run that died before finishing it), with what ended it.
 */
export function stopEarlierThinking(
  conversation: Conversation,
  targetMessageId: string,
  resultMessageId: string,
  log: Logger,
): Promise<void> {
  const stop = { state: "stop", targetMessageId, content: THINKING_LABEL, resultMessageId } as const;
  return sendThinking(conversation, stop, log);
}

/** Starts the clock: the start goes out after `afterMs` unless `done` came first. */
export function startThinking(
  conversation: Conversation,
  target: MessageRef,
  afterMs: number,
  log: Logger,
): ThinkingSession {
  const status = { targetMessageId: target.id, content: THINKING_LABEL };
  let started: Promise<void> | undefined;
  let ended = false;
  const timer = setTimeout(() => {
    started = sendThinking(conversation, { state: "start", ...status }, log);
  }, afterMs);
  return {
    async done(resultMessageId) {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (!started) return;
      await started;
      await sendThinking(
        conversation,
        { state: "stop", ...status, ...(resultMessageId ? { resultMessageId } : {}) },
        log,
      );
    },
  };
}
