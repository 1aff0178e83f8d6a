/** AgentMail's settings as the e-mail tool, the worker and the webhook read them: built once from the config. */
import type { Config } from "@/lib/config";

export interface AgentMailSettings {
  apiKey: string;
  /** The domain inboxes are made under. */
  domain: string;
  /** The API's base, "…/v0" included. */
  baseUrl: string;
  /** E-mails one agent may send in any hour. */
  sendsPerHour: number;
}

/** E-mail's settings, or undefined when it is off (it needs the key, the domain and the webhook secret). */
export function agentMailSettings(
  c: Pick<
    Config,
    | "AGENTMAIL_API_KEY"
    | "AGENTMAIL_DOMAIN"
    | "AGENTMAIL_WEBHOOK_SECRET"
    | "AGENTMAIL_BASE_URL"
    | "AGENTMAIL_SENDS_PER_HOUR"
  >,
): AgentMailSettings | undefined {
  if (!c.AGENTMAIL_API_KEY || !c.AGENTMAIL_DOMAIN || !c.AGENTMAIL_WEBHOOK_SECRET) return undefined;
  return {
    apiKey: c.AGENTMAIL_API_KEY,
    domain: c.AGENTMAIL_DOMAIN,
    baseUrl: c.AGENTMAIL_BASE_URL,
    sendsPerHour: c.AGENTMAIL_SENDS_PER_HOUR,
  };
}
