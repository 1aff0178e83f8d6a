import { maxTokenCapSetting } from "@/lib/agents/spend";
import { config } from "@/lib/config";
import { MaxTokenCapForm } from "./admin-forms";

/** The token caps card (server component): the default cap, the highest an owner may set, and its form. */
export async function TokenCaps({ card, heading }: { card: string; heading: string }) {
  const defaultCap = config().LLM_TOKEN_CAP_PER_AGENT;
  const maxCap = await maxTokenCapSetting();
  const figure = (n: number | null | undefined) => (n == null ? null : n.toLocaleString("en-US"));
  return (
    <section aria-labelledby="caps-title" className={card}>
      <h2 id="caps-title" className={heading}>
        Token caps
      </h2>
      <p className="mb-3 text-sm" data-testid="max-token-cap">
        Default cap: {figure(defaultCap) ?? "unlimited"} tokens per agent. Owners may raise their agent&apos;s
        cap up to <strong>{figure(maxCap ?? defaultCap) ?? "any number of"}</strong> tokens
        {maxCap === null ? " (the default cap)" : ""}.
      </p>
      <MaxTokenCapForm maxTokenCap={maxCap} />
    </section>
  );
}
