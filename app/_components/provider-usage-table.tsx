/** A table of outside providers' use (lib/providers/usage.ts): one row per provider, for the agent page and /admin. */
import type { AgentUsage } from "@/lib/providers/usage";

const NAMES: Record<string, string> = {
  openrouter: "Model (OpenRouter)",
  agentmail: "E-mail",
  telnyx: "SMS",
};

export function ProviderUsageTable({ usage, testId }: { usage: AgentUsage[]; testId: string }) {
  return (
    <table className="w-full text-sm" data-testid={testId}>
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
  );
}
