import { config } from "@/lib/config";
import { agentSmsSummary } from "@/lib/providers/telnyx/queries";
import { telnyxSettings } from "@/lib/providers/telnyx/settings";
import { Section } from "./section";

/** "+14155550134" → "+1 (415) 555-0134". */
const shown = (e164: string) =>
  /^\+1\d{10}$/.test(e164) ? `+1 (${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}` : e164;

/** The agent's phone number (SMS), when this server texts: the number, and how many people it has texted. */
export async function PhoneNumberSection({ agentId, agentName }: { agentId: string; agentName: string }) {
  if (!telnyxSettings(config())) return null;
  const sms = await agentSmsSummary(agentId);
  return (
    <Section id="sms" title="Text messages">
      {sms.number ? (
        <p className="text-sm">
          {agentName} texts from{" "}
          <span className="font-mono" data-testid="phone-number">
            {shown(sms.number)}
          </span>
          . Replies are posted in its conversation.
        </p>
      ) : (
        <p className="text-sm text-ink-muted">
          No number yet: {agentName} gets one the first time someone asks it to send a text.
        </p>
      )}
      {sms.contacts > 0 ? (
        <p className="text-sm text-ink-muted" data-testid="sms-contacts">
          Texted {sms.contacts === 1 ? "1 person" : `${sms.contacts} people`}
          {sms.optedOut > 0 ? `; ${sms.optedOut} replied STOP and get no more texts` : ""}.
        </p>
      ) : null}
      <p className="text-xs text-ink-muted">
        The number goes back to our pool when {agentName} stops; someone who replies STOP is never texted from
        it again.
      </p>
    </Section>
  );
}
