/**
 * The agent page's model key (when per-agent OpenRouter keys are on): what its key may still spend, read
 * from OpenRouter as the page renders (a short deadline; out of reach, the page says so), and the raise.
 */
import { config } from "@/lib/config";
import { keyView } from "@/lib/providers/openrouter/limit";
import { openRouterSettings } from "@/lib/providers/openrouter/settings";
import { RaiseLimitForm } from "./model-key-form";
import { Section } from "./section";

const usd = (n: number) => `$${n.toFixed(2)}`;

export async function ModelKey({ agentId }: { agentId: string }) {
  const openRouter = openRouterSettings(config());
  if (!openRouter) return null;
  const view = await keyView(openRouter, agentId);
  return (
    <Section id="model-key" title="Model key">
      <div className="flex flex-col gap-2 text-sm" data-testid="model-key">
        {view.state === "none" ? (
          <p className="text-ink-muted">No key yet: the agent gets its own with its first answer.</p>
        ) : view.state === "unreachable" ? (
          <p role="alert">
            OpenRouter can&apos;t be reached right now, so the key&apos;s limit can&apos;t be shown.
          </p>
        ) : (
          <>
            <p>
              {view.limit === null ? (
                <>Spent {usd(view.usage)}; no limit.</>
              ) : (
                <>
                  <strong>{usd(view.remaining ?? 0)}</strong> left of its {usd(view.limit)} limit (spent{" "}
                  {usd(view.usage)}).
                </>
              )}
            </p>
            {view.limit !== null && view.limit < view.max ? (
              <RaiseLimitForm agentId={agentId} step={usd(view.step)} max={usd(view.max)} />
            ) : (
              <p className="text-ink-muted">The limit is the most this server allows ({usd(view.max)}).</p>
            )}
          </>
        )}
      </div>
    </Section>
  );
}
