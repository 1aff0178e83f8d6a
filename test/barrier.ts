/**
 * A barrier in place of a "room for a duplicate to show up" sleep. An agent answers its conversation's
 * messages one at a time, in the order its stream delivers them (catch-up first), so once it has
 * replied to a message sent after the ones under test, whatever it would say to those (a duplicate
 * answer included) is already in the conversation.
 *
 * The barrier is an unknown command, which the agent replies to with a text no answer has (the help,
 * a refusal, or how to become its operator: workers/agents/answer/commands.ts), with or without a
 * model. It needs a sender the agent replies to: an operator, or anyone while it has none.
 */
import type { Group } from "@xmtp/node-sdk";
import { HELP, REFUSED } from "@/workers/agents/answer/commands";
import { waitFor } from "./wait-for";
import { texts, type TextMessage } from "./xmtp-clients";

const isCommandReply = (text: string) =>
  text === HELP || text === REFUSED || text.startsWith("Nobody steers me yet");
let barriers = 0;

/**
 * Sends a barrier as the holder of `group` and waits for the agent's reply to it. Returns the
 * conversation's texts up to that reply, without the barrier and the reply: every answer to what was
 * sent before, and anything the agent said between the barrier and its reply.
 */
export async function afterBarrier(group: Group<unknown>, timeoutMs = 30_000): Promise<TextMessage[]> {
  const barrier = `/barrier-${++barriers}`;
  await group.sendText(barrier);
  return waitFor(
    `the agent's reply to ${barrier}`,
    async () => {
      const all = await texts(group);
      const sent = all.findIndex((m) => m.text === barrier);
      const reply = all.findIndex((m, i) => i > sent && isCommandReply(m.text));
      return sent >= 0 && reply > sent ? [...all.slice(0, sent), ...all.slice(sent + 1, reply)] : null;
    },
    timeoutMs,
    150,
  );
}
