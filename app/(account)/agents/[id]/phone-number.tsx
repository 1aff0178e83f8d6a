/**
 * The agent page's "Text messages": the agent's phone number (from our pool or ordered the first time it
 * texts), the texts it sent and received, and how many people it texted. Shown only when the server has
 * SMS on, or the agent still holds a number.
 */
import { config } from "@/lib/config";
import { agentSmsSummary } from "@/lib/providers/telnyx/queries";
import { telnyxSettings } from "@/lib/providers/telnyx/settings";
import { usageOf } from "@/lib/providers/usage";
import { Section } from "./section";

/** "+14155550134" → "+1 (415) 555-0134". */
const shown = (e164: string) =>
  /^\+1\d{10}$/.test(e164) ? `+1 (${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}` : e164;

export async function PhoneNumberSection({ agentId, agentName }: { agentId: string; agentName: string }) {
  const sms = await agentSmsSummary(agentId);
  if (!sms.number && !telnyxSettings(config())) return null;
  const usage = (await usageOf(agentId)).find((u) => u.provider === "telnyx");
  return (
    <Section id="sms" title="Text messages">
      <div className="flex flex-col gap-2 text-sm" data-testid="sms">
        {sms.number ? (
          <p>
            {agentName} texts from <span className="font-mono">{shown(sms.number)}</span>. Replies are posted
            in its conversation.
          </p>
        ) : (
          <p className="text-ink-muted">
            {agentName} gets a number the first time someone asks it to send a text (when its template has the
            SMS tool).
          </p>
        )}
        <p className="text-ink-muted">
          Sent {usage?.sent ?? 0} · received {usage?.received ?? 0}
          {sms.contacts > 0 ? ` · texted ${sms.contacts === 1 ? "1 person" : `${sms.contacts} people`}` : ""}
          {sms.optedOut > 0 ? `, ${sms.optedOut} of whom replied STOP and get no more texts` : ""}. The number
          goes back to our pool when {agentName} stops.
        </p>
      </div>
    </Section>
  );
}
