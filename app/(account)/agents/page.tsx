import type { Metadata } from "next";
import Link from "next/link";
import { Emoji } from "@/app/(catalog)/_components/emoji";
import { Conversations, AgentStatusLine } from "./agent-details";
import { StopButton } from "./stop-button";
import { DeleteAccount } from "./delete-account";
import { listAgentsForOwner } from "@/lib/agents/queries";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "My agents" };
export const dynamic = "force-dynamic";

/** The signed-in user's agents: status, conversations and invites, counts, stop. */
export default async function MyAgentsPage() {
  const user = await requireUser("/agents");
  const agents = await listAgentsForOwner(user.id);
  return (
    <section aria-labelledby="agents-title" className="flex flex-col gap-4">
      <h1 id="agents-title" className="text-2xl font-semibold">
        My agents
      </h1>
      {agents.length === 0 ? (
        <p className="text-ink-muted">
          You have no agents yet.{" "}
          <Link href="/" className="text-accent underline">
            Launch one from the catalog.
          </Link>
        </p>
      ) : (
        <ul className="flex flex-col gap-4">
          {agents.map((agent) => (
            <li
              key={agent.id}
              className="flex flex-col gap-3 rounded-card border border-line bg-surface p-5"
              data-testid="agent-card"
            >
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="text-lg font-semibold">
                  <Link href={`/agents/${agent.id}`} className="hover:text-accent hover:underline">
                    {agent.template ? (
                      <Emoji
                        emoji={agent.template.emoji}
                        size={20}
                        className="mr-1 inline-block align-[-3px]"
                      />
                    ) : null}
                    {agent.name}
                  </Link>
                </h2>
                <span className="text-sm text-ink-muted">{agent.template?.name ?? "No template"}</span>
              </div>
              <AgentStatusLine agent={agent} />
              <Conversations agent={agent} />
              {agent.status !== "stopped" ? <StopButton agentId={agent.id} name={agent.name} /> : null}
            </li>
          ))}
        </ul>
      )}
      <DeleteAccount />
    </section>
  );
}
