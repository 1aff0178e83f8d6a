import { memoriesForAgent } from "@/lib/memory/owner";
import { MemoryItem, SummaryItem } from "./memory-item";

/** What the agent remembers, by conversation: the owner edits or deletes each memory, and clears a summary. */
export async function Memories({ agentId, agentName }: { agentId: string; agentName: string }) {
  const conversations = await memoriesForAgent(agentId, agentName);
  if (conversations.length === 0)
    return (
      <p className="text-sm text-ink-muted">
        Nothing remembered yet. Members can ask the agent to remember a fact or a preference in the chat; in a
        long conversation the agent also keeps a summary of the messages it no longer sees.
      </p>
    );
  return (
    <div className="flex flex-col gap-4" data-testid="memories">
      <p className="text-sm text-ink-muted">
        Each conversation&apos;s memories, and the summary the model keeps of its earlier messages, are seen
        only by the agent in that conversation. They are erased when the agent stops.
      </p>
      {conversations.map((c) => (
        <section key={c.conversationId} aria-label={`Memories of ${c.name}`} className="flex flex-col gap-1">
          <h3 className="font-medium">{c.name}</h3>
          {c.summary ? (
            <SummaryItem
              agentId={agentId}
              conversationId={c.conversationId}
              text={c.summary.text}
              messages={c.summary.messages}
            />
          ) : null}
          <ul className="flex flex-col gap-1">
            {c.memories.map((m) => (
              <MemoryItem key={m.id} agentId={agentId} memoryId={m.id} text={m.text} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
