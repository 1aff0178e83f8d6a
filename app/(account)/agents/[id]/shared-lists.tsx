import { listsForAgent } from "@/lib/lists/queries";

/** The lists the agent keeps in its conversations, read-only: members change them by chatting with the agent. */
export async function SharedLists({ agentId }: { agentId: string }) {
  const lists = await listsForAgent(agentId);
  if (lists.length === 0)
    return <p className="text-sm text-ink-muted">No lists yet. Ask the agent to start one in the chat.</p>;
  return (
    <div className="flex flex-col gap-4">
      {lists.map((list) => (
        <section key={list.id} aria-label={`List ${list.name}`} className="flex flex-col gap-1">
          <h3 className="font-medium">{list.name}</h3>
          {list.items.length === 0 ? (
            <p className="text-sm text-ink-muted">Empty</p>
          ) : (
            <ol className="flex list-decimal flex-col gap-0.5 pl-6 text-sm">
              {list.items.map((item) => (
                <li key={item.id} className={item.done ? "text-ink-muted line-through" : undefined}>
                  {item.text}
                  {item.done ? <span className="sr-only"> (done)</span> : null}
                </li>
              ))}
            </ol>
          )}
        </section>
      ))}
    </div>
  );
}
