/** Telnyx's settings as the `sms` tool and the worker read them: built once from the config. */
import type { Config } from "@/lib/config";

export interface TelnyxSettings {
  apiKey: string;
  /** The messaging profile our numbers are assigned to. */
  messagingProfileId: string;
  /** The API's base, "…/v2" included. */
  baseUrl: string;
  /** Texts one agent may send in any hour. */
  sendsPerHour: number;
}

/** SMS's settings, or undefined when it is off (it needs the key, the messaging profile and the public key). */
export function telnyxSettings(
  c: Pick<
    Config,
    | "TELNYX_API_KEY"
    | "TELNYX_MESSAGING_PROFILE_ID"
    | "TELNYX_WEBHOOK_PUBLIC_KEY"
    | "TELNYX_BASE_URL"
    | "TELNYX_SENDS_PER_HOUR"
  >,
): TelnyxSettings | undefined {
  if (!c.TELNYX_API_KEY || !c.TELNYX_MESSAGING_PROFILE_ID || !c.TELNYX_WEBHOOK_PUBLIC_KEY) return undefined;
  return {
    apiKey: c.TELNYX_API_KEY,
    messagingProfileId: c.TELNYX_MESSAGING_PROFILE_ID,
    baseUrl: c.TELNYX_BASE_URL,
    sendsPerHour: c.TELNYX_SENDS_PER_HOUR,
  };
}
