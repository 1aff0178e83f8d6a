/**
 * What an agent says. The agent-runtime issue replaces the offline responder
 * with the language model behind the same interface (PRODUCT.md §5).
 */
export interface ResponderInput {
  agentName: string;
  instructions: string;
  text: string;
  senderInboxId: string;
  signal: AbortSignal;
}

export interface Responder {
  /** The answer to one text message, or null to stay silent. */
  reply(input: ResponderInput): Promise<string | null>;
}

/** PRODUCT.md §5: with no model configured, one line saying so and what the agent can still do. */
export const offlineResponder: Responder = {
  async reply({ agentName }) {
    return `${agentName} here: no language model is configured on this server, so I can't answer yet. I can still let people in through this conversation's invite and greet them.`;
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
