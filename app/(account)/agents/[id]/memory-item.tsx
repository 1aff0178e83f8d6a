"use client";
import { useActionState } from "react";
import { ActionStatus } from "@/app/_components/action-status";
import { clearMySummary, deleteMyMemory, editMyMemory } from "./memory-actions";

/** One memory: its text in a field the owner can save, and a delete button, each with an announced result. */
export function MemoryItem({ agentId, memoryId, text }: { agentId: string; memoryId: string; text: string }) {
  const [saved, saveAction, saving] = useActionState(editMyMemory, null);
  const [deleted, deleteAction, deleting] = useActionState(deleteMyMemory, null);
  const field = `memory-${memoryId}`;
  return (
    <li className="flex flex-wrap items-center gap-2">
      <form action={saveAction} className="flex flex-1 flex-wrap items-center gap-2">
        <input type="hidden" name="agentId" value={agentId} />
        <input type="hidden" name="memoryId" value={memoryId} />
        <label htmlFor={field} className="sr-only">
          Memory
        </label>
        <input
          id={field}
          name="text"
          defaultValue={text}
          maxLength={300}
          required
          className="min-w-0 flex-1 rounded-lg border border-line px-2 py-1 text-sm"
        />
        <button
          type="submit"
          disabled={saving}
          className="rounded-lg border border-line px-2 py-1 text-xs font-medium hover:bg-accent-soft disabled:opacity-60"
        >
          {saving ? "Saving…" : "Save memory"}
        </button>
        <ActionStatus state={saved} className="text-xs" done={() => "Saved"} />
      </form>
      <form action={deleteAction} className="flex items-center gap-2">
        <input type="hidden" name="agentId" value={agentId} />
        <input type="hidden" name="memoryId" value={memoryId} />
        <button
          type="submit"
          disabled={deleting || deleted?.ok}
          aria-label={`Delete the memory "${text}"`}
          className="rounded-lg border border-line px-2 py-1 text-xs font-medium hover:bg-accent-soft disabled:opacity-60"
        >
          {deleting ? "Deleting…" : "Delete"}
        </button>
        <ActionStatus state={deleted} className="text-xs" done={() => "Deleted"} />
      </form>
    </li>
  );
}

/** A conversation's summary of earlier messages, written by the model, with a button that clears it. */
export function SummaryItem({
  agentId,
  conversationId,
  text,
  messages,
}: {
  agentId: string;
  conversationId: string;
  text: string;
  messages: number;
}) {
  const [cleared, clearAction, clearing] = useActionState(clearMySummary, null);
  return (
    <div className="flex flex-col gap-1 rounded-lg border border-line p-2" data-testid="summary">
      <p className="text-xs text-ink-muted">
        Summary of {messages} earlier {messages === 1 ? "message" : "messages"}, written by the model:
      </p>
      <p className="text-sm whitespace-pre-line">{text}</p>
      <form action={clearAction} className="flex items-center gap-2">
        <input type="hidden" name="agentId" value={agentId} />
        <input type="hidden" name="conversationId" value={conversationId} />
        <button
          type="submit"
          disabled={clearing || cleared?.ok}
          className="rounded-lg border border-line px-2 py-1 text-xs font-medium hover:bg-accent-soft disabled:opacity-60"
        >
          {clearing ? "Clearing…" : "Clear summary"}
        </button>
        <ActionStatus state={cleared} className="text-xs" done={() => "Cleared"} />
      </form>
    </div>
  );
}
