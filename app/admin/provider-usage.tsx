/** The outside providers' use summed over every agent (lib/providers/usage.ts): mails, texts, money spent. */
import { usageTotals } from "@/lib/providers/usage";

const NAMES: Record<string, string> = {
  openrouter: "Model (OpenRouter)",
  agentmail: "E-mail",
  telnyx: "SMS",
};

export async function ProviderUsageTotals({ card, heading }: { card: string; heading: string }) {
  const totals = await usageTotals();
  return (
    <section aria-labelledby="provider-usage-title" className={card}>
      <h2 id="provider-usage-title" className={heading}>
        Outside services
      </h2>
      {totals.length === 0 ? (
        <p className="text-sm text-ink-muted">No agent has used one yet.</p>
      ) : (
        <table className="w-full text-sm" data-testid="provider-usage-totals">
          <thead>
            <tr className="text-left text-ink-muted">
              <th scope="col">Service</th>
              <th scope="col">Sent</th>
              <th scope="col">Received</th>
              <th scope="col">Spent</th>
            </tr>
          </thead>
          <tbody>
            {totals.map((u) => (
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
      )}
    </section>
  );
}
