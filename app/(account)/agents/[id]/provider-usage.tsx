/** The agent page's use of outside providers (lib/providers/usage.ts): mails and texts, money spent. */
import { ProviderUsageTable } from "@/app/_components/provider-usage-table";
import { usageOf } from "@/lib/providers/usage";
import { Section } from "./section";

export async function ProviderUsage({ agentId }: { agentId: string }) {
  const usage = await usageOf(agentId);
  if (usage.length === 0) return null;
  return (
    <Section id="provider-usage" title="Outside services">
      <ProviderUsageTable usage={usage} testId="provider-usage" />
    </Section>
  );
}
