/**
 * What an agent says. Two responders behind one interface: the language model
 * (model-responder.ts) when LLM_API_KEY is set, else the offline responder
 * here. The worker picks one at start-up (model-responder.ts's `defaultResponder`).
 */
import type { Responder } from "./contracts";

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
