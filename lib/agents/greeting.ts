/**
 * Whether an agent greets when it arrives in a conversation. A template sets it for its agents (copied
 * onto the agent at the claim), the owner changes it on the agent's page; null follows the default: a
 * launch greets the first person who joins its new conversation, while an agent that joins someone's
 * conversation or is added to one stays quiet until spoken to, as an assistant among people already
 * talking should.
 */

/** How the agent came into the conversation. */
export type Arrival = "launch" | "join" | "direct";

/** The agent's choice, or the default for how it arrived. */
export function greetsOnArrival(choice: boolean | null | undefined, arrival: Arrival): boolean {
  return choice ?? arrival === "launch";
}

/** The greeting settings as a form or an API body names them. */
export const GREETING_CHOICES = ["default", "greet", "quiet"] as const;
export type GreetingChoice = (typeof GREETING_CHOICES)[number];

/** The stored value of a choice: null for the default. */
export function greetingValue(choice: GreetingChoice): boolean | null {
  return choice === "default" ? null : choice === "greet";
}

/** The choice a stored value stands for. */
export function greetingChoice(value: boolean | null): GreetingChoice {
  return value === null ? "default" : value ? "greet" : "quiet";
}
