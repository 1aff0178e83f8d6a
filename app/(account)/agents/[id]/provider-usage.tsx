/** The agent page's use of outside providers (lib/providers/usage.ts): mails and texts, money spent. */
import { usageOf } from "@/lib/providers/usage";
import { Section } from "./section";

const NAMES: Record<string, string> = {
  openrouter: "Model (OpenRouter)",
  agentmail: "E-mail",
  telnyx: "SMS",
};

export async function ProviderUsage({ agentId }: { agentId: string }) {
  const usage = await usageOf(agentId);
  if (usage.length === 0) return null;
  return (
    <Section id="provider-usage" title="Outside services">
      <table className="w-full text-sm" data-testid="provider-usage">
        <thead>
          <tr className="text-left text-ink-muted">
            <th scope="col">Service</th>
            <th scope="col">Sent</th>
            <th scope="col">Received</th>
            <th scope="col">Spent</th>
          </tr>
        </thead>
        <tbody>
          {usage.map((u) => (
            <tr key={u.provider}>
              <th scope="row" className="text-left font-normal">
                {NAMES[u.provider] ?? u.provider}
              </th>
              <td>{u.sent}</td>
              <td>{u.received}</td>
              <td>${u.spentUsd.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
