/**
 * Server pieces shared by /agents and /agents/[id]: an agent's live status,
 * its conversations with their invites and QR codes, and its counts.
 */
import { AgentStatus } from "@/app/_components/agent-status";
import { InviteCard } from "@/app/_components/invite-card";
import { budgetState, PAUSED_LABEL } from "@/lib/agents/budget-state";
import { config } from "@/lib/config";
import type { AgentWithConversations } from "@/lib/agents/queries";
import { inviteQrPath } from "@/lib/qr";

export function liveStatusOf(agent: AgentWithConversations) {
  return {
    id: agent.id,
    status: agent.status,
    source: agent.source,
    failureReason: agent.failureReason,
    liveAt: agent.liveAt?.toISOString() ?? null,
    firstJoinedAt: agent.firstJoinedAt?.toISOString() ?? null,
    stoppedAt: agent.stoppedAt?.toISOString() ?? null,
  };
}

export function AgentStatusLine({ agent }: { agent: AgentWithConversations }) {
  const paused = agent.status !== "stopped" && budgetState(agent, config().LLM_TOKEN_CAP_PER_AGENT).paused;
  // Keyed by status so a server refresh (after stopping, say) replaces the polled state.
  return (
    <>
      <AgentStatus key={agent.status} initial={liveStatusOf(agent)} />
      {paused ? (
        <p className="text-sm font-medium text-danger" data-testid="agent-paused">
          {PAUSED_LABEL}
        </p>
      ) : null}
    </>
  );
}

export function Conversations({ agent }: { agent: AgentWithConversations }) {
  const running = agent.status !== "stopped";
  // A direct add waiting to be added shows its inbox id instead (awaiting-add.tsx), never its warm invite.
  const invites = running
    ? agent.identities.filter((i) => i.inviteUrl && i.role === "creator" && i.addDeadline === null)
    : [];
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-ink-muted">
        {agent.identities.length} conversation{agent.identities.length === 1 ? "" : "s"} · {agent.messagesIn}{" "}
        messages in · {agent.messagesOut} out
        {agent.source === "join" && agent.joinUrl ? " · joined a conversation from its invite" : ""}
      </p>
      {invites.map((identity) => (
        <InviteCard
          key={identity.id}
          id={identity.id}
          url={identity.inviteUrl!}
          qrSrc={inviteQrPath(agent.id, identity.id)}
          name={agent.name}
        />
      ))}
    </div>
  );
}
