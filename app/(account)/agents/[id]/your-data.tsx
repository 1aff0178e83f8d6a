/** The agent page's "Your data": download everything we hold about the agent, or delete it for good. */
import Link from "next/link";
import { DeleteButton } from "@/app/(account)/agents/delete-button";
import { deleteMyAgent } from "@/app/(account)/agents/privacy-actions";

export function YourData({ agentId, name }: { agentId: string; name: string }) {
  return (
    <div className="flex flex-col gap-3 text-sm">
      <p className="text-ink-muted">
        Everything we hold about {name}, as JSON. Messages themselves are never stored, only the model&apos;s
        summary of a long conversation&apos;s earlier messages.{" "}
        <Link href="/privacy" className="text-accent underline">
          What we store
        </Link>
      </p>
      <p>
        <a
          href={`/api/agents/${agentId}/export`}
          download
          className="inline-block rounded-lg border border-line px-3 py-1.5 font-medium hover:bg-canvas"
        >
          Download {name}&apos;s data
        </a>
      </p>
      <DeleteButton
        action={deleteMyAgent}
        fields={{ agentId }}
        label="Delete agent"
        confirm={`Delete ${name} for good? It leaves its conversations, then everything about it is erased. This cannot be undone.`}
      />
    </div>
  );
}
