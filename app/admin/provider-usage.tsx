/** The outside providers' use summed over every agent (lib/providers/usage.ts): mails, texts, money spent. */
import { ProviderUsageTable } from "@/app/_components/provider-usage-table";
import { usageTotals } from "@/lib/providers/usage";

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
        <ProviderUsageTable usage={totals} testId="provider-usage-totals" />
      )}
    </section>
  );
}
