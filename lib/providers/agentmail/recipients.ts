/**
 * Who an agent may e-mail. A model that has read the chat could be told (by a member, a web page, an
 * incoming mail) to send the conversation to `someone@evil.example`: the mail itself would carry it out.
 * So an address goes out only when a person in the conversation wrote it first (a member's message, never
 * the agent's own, which the model wrote, nor a mail or a page it read), or when an operator confirmed
 * it in the chat by writing `confirm email <code>`, the code being this address's in this conversation
 * (the tool names it when it refuses). Addresses are compared in lower case; the search is linear in the
 * text (split into words first), since members' messages are read here.
 */
import { createHash } from "node:crypto";

const ADDRESS = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const MAX_WORD = 320;

/** The canonical form of an address, or undefined when `text` is not one. */
export function normalAddress(text: string): string | undefined {
  const address = text.trim().toLowerCase();
  return address.length <= 254 && ADDRESS.test(address) ? address : undefined;
}

/** The addresses written in `text` ("mailto:" and surrounding punctuation left out), in lower case. */
export function addressesIn(text: string): string[] {
  const found: string[] = [];
  for (const word of text.split(/[\s,;<>()"'`[\]]+/)) {
    if (word.length > MAX_WORD || !word.includes("@")) continue;
    const bare = word.replace(/^mailto:/i, "").replace(/[.:!?*_]+$/, "");
    const address = normalAddress(bare);
    if (address) found.push(address);
  }
  return found;
}

/** The code an operator writes to confirm `address` in `conversationId`: six characters, stable. */
export function confirmationCode(conversationId: string, address: string): string {
  return createHash("sha256").update(`${conversationId}\n${address}`).digest("hex").slice(0, 6);
}

/** What an operator writes to confirm `address`. */
export const confirmationPhrase = (conversationId: string, address: string) =>
  `confirm email ${confirmationCode(conversationId, address)}`;

export interface ChatText {
  senderInboxId: string;
  text: string;
}

/**
 * The recipients of `to` that may not be mailed yet: neither written by a member in `messages` nor
 * confirmed there by one of `operators` with their confirmation phrase.
 */
export function unconfirmedRecipients(
  to: readonly string[],
  messages: readonly ChatText[],
  o: { ownInboxId: string; operators: readonly string[]; conversationId: string },
): string[] {
  const named = new Set<string>();
  const confirmed = new Set<string>();
  for (const m of messages) {
    if (m.senderInboxId === o.ownInboxId) continue;
    for (const a of addressesIn(m.text)) named.add(a);
    if (o.operators.includes(m.senderInboxId)) {
      const said = m.text.toLowerCase().replace(/\s+/g, " ");
      for (const a of to) if (said.includes(confirmationPhrase(o.conversationId, a))) confirmed.add(a);
    }
  }
  return to.filter((a) => !named.has(a) && !confirmed.has(a));
}
