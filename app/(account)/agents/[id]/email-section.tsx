/**
 * The agent page's "E-mail": the agent's address (made the first time it uses its e-mail tools) and the
 * mails it sent and received. Shown only when the server has e-mail on, or the agent still holds an inbox.
 */
import { config } from "@/lib/config";
import { inboxOf } from "@/lib/providers/agentmail/inboxes";
import { agentMailSettings } from "@/lib/providers/agentmail/settings";
import { usageOf } from "@/lib/providers/usage";
import { Section } from "./section";

export async function EmailSection({ agentId, agentName }: { agentId: string; agentName: string }) {
  const inbox = await inboxOf(agentId);
  if (!inbox && !agentMailSettings(config())) return null;
  const usage = (await usageOf(agentId)).find((u) => u.provider === "agentmail");
  return (
    <Section id="email" title="E-mail">
      <div className="flex flex-col gap-2 text-sm" data-testid="email-address">
        {inbox ? (
          <p>
            {agentName}&apos;s address: <span className="font-mono">{inbox.address}</span>
          </p>
        ) : (
          <p className="text-ink-muted">
            {agentName} gets an address the first time it sends or reads e-mail (when its template has the
            e-mail tool).
          </p>
        )}
        <p className="text-ink-muted">
          Sent {usage?.sent ?? 0} · received {usage?.received ?? 0}. It mails only addresses someone wrote in
          the conversation, or that an operator confirmed there.
        </p>
      </div>
    </Section>
  );
}
