/**
 * What an agent says. Two responders behind one interface: the language model
 * (model-responder.ts) when LLM_API_KEY is set, else the offline responder
 * (PRODUCT.md §5). The worker picks one at start-up (`defaultResponder`).
 */
import { config } from "@/lib/config";
import { createModelClient } from "@/lib/llm";
import { modelResponder } from "./model-responder";

/** One earlier message of the conversation, as the model sees it. */
export interface ChatTurn {
  role: "user" | "assistant";
  text: string;
}

export interface ResponderInput {
  agentName: string;
  instructions: string;
  text: string;
  senderInboxId: string;
  /** Earlier messages, oldest first, bounded in count and size; the message being answered is not in it. */
  history: ChatTurn[];
  signal: AbortSignal;
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
  /** For a responder that uses the model: the most tokens one reply to `input` can cost (reserved before the call). */
  costBound?(input: Omit<ResponderInput, "signal">): number;
  /** The answer to one text message, or null to stay silent. */
  reply(input: ResponderInput): Promise<ResponderReply | null>;
}

/** PRODUCT.md §5: with no model configured, one line saying so and what the agent can still do. */
export const offlineResponder: Responder = {
  usesModel: false,
  async reply({ agentName }) {
    return {
      text: `${agentName} here: no language model is configured on this server, so I can't answer yet. I can still let people in through this conversation's invite and run my owner's commands (/help).`,
      tokens: 0,
    };
  },
};

/** The model responder when LLM_API_KEY is set, else the offline responder. */
export function defaultResponder(): Responder {
  const c = config();
  if (!c.LLM_API_KEY) return offlineResponder;
  return modelResponder(
    createModelClient({
      baseURL: c.LLM_BASE_URL,
      apiKey: c.LLM_API_KEY,
      model: c.LLM_MODEL,
      maxTokens: c.LLM_MAX_TOKENS,
    }),
  );
}

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
