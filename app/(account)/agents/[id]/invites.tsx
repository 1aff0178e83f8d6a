/**
 * The agent's conversations as /conversations lists them in the chat: members and the state of each
 * invite, as the workers running them last wrote it, with revoke and lock (or unlock) for the ones the
 * agent created. A conversation it joined has no invite of its own.
 */
import { agentConversations, inviteState, inviteStateText } from "@/lib/invites/conversations";
import { InviteActions } from "./invite-buttons";

export async function Invites({ agentId, agentName }: { agentId: string; agentName: string }) {
  const list = await agentConversations(agentId, agentName);
  if (list.length === 0) return <p className="text-sm text-ink-muted">No conversation is running.</p>;
  return (
    <table className="w-full text-left text-sm" data-testid="invites">
      <thead className="text-ink-muted">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">
            Conversation
          </th>
          <th scope="col" className="py-1 pr-3 font-medium">
            Members
          </th>
          <th scope="col" className="py-1 pr-3 font-medium">
            Invite
          </th>
          <th scope="col" className="py-1 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {list.map((c) => {
          const state = inviteState(c);
          return (
            <tr key={c.identityId} className="border-t border-line align-top">
              <td className="py-2 pr-3">
                {c.number}. {c.name}
                {c.isOwnerConversation ? <span className="text-ink-muted"> (owner conversation)</span> : null}
              </td>
              <td className="py-2 pr-3">{c.memberCount ?? "—"}</td>
              <td className="py-2 pr-3">{inviteStateText(c)}</td>
              <td className="py-2">
                {state === "not_ours" ? null : (
                  <InviteActions
                    agentId={agentId}
                    identityId={c.identityId}
                    conversation={c.name}
                    locked={state === "locked"}
                  />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
