/**
 * What an agent says. Two responders behind one interface: the language model
 * (model-responder.ts) when LLM_API_KEY is set, else the offline responder
 * here. The worker picks one at start-up (model-responder.ts's `defaultResponder`).
 */
import type { SpendHook } from "@/lib/llm/budget";
import type { GroupContext } from "./group";
import type { ToolSession } from "./tool-session";

/** One earlier message of the conversation, as the model sees it. */
export interface ChatTurn {
  role: "user" | "assistant";
  text: string;
  /** Who sent it (members' turns are labelled with their name for the model). */
  senderInboxId?: string;
  /** The XMTP message it came from (tools refer to messages by a short form of it). */
  messageId?: string;
}

export interface ResponderInput {
  agentName: string;
  instructions: string;
  text: string;
  senderInboxId: string;
  /** Earlier messages, oldest first, bounded in count and size; the message being answered is not in it. */
  history: ChatTurn[];
  signal: AbortSignal;
  /** Who is in the conversation, and what it knows of them (see group.ts); absent in a bare call. */
  group?: GroupContext;
  /** The tools of this answer (model only); none = chat only. */
  tools?: ToolSession;
  /** Tokens this answer may spend (the spending cap's remainder); undefined = the default budget. */
  tokenBudget?: number;
  /**
   * Every model call of the answer goes through it (model only): the call's worst case is reserved under
   * the agent's token cap first; when that would pass the cap it throws TokenCapReached, the call not made.
   */
  spend?: SpendHook;
}

export interface ResponderReply {
  text: string;
  /** Tokens the answer cost (usage.total_tokens), 0 offline. */
  tokens: number;
  /** True when the model failed and `text` is the apology. */
  failed?: boolean;
}

export interface Responder {
  /** True when answers cost tokens (the spending cap applies). */
  readonly usesModel: boolean;
  /** The answer to one text message, or null to stay silent. */
  reply(input: ResponderInput): Promise<ResponderReply | null>;
}

/** With no model configured, every answer is one line saying so and what the agent can still do. */
export const offlineResponder: Responder = {
  usesModel: false,
  async reply({ agentName }) {
    return {
      text: `${agentName} here: no language model is configured on this server, so I can't answer yet. I can still let people in through this conversation's invite and run my owner's commands (/help).`,
      tokens: 0,
    };
  },
};

/** The greeting for the first person who joins: the agent's name and what it does (its instructions' first line). */
export function greetingFor(agent: { name: string; instructions: string }): string {
  const firstLine = agent.instructions
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "");
  const what = firstLine
    ? firstLine.replace(/\s+/g, " ").slice(0, 200)
    : `I'm here to help as ${agent.name}.`;
  return `Hi, I'm ${agent.name}! ${what}`;
}
