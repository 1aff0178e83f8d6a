"use client";
/**
 * The browser chat with an agent (XMTP_ENV=local): messages arrive over
 * server-sent events from /api/agents/[id]/chat, and are sent with a server
 * action. The log is an aria-live region.
 */
import { useActionState, useEffect, useState } from "react";
import { sendChatMessage } from "./chat-actions";

interface WireMessage {
  id: string;
  from: "me" | "agent";
  name: string;
  text: string;
  sentAt: string;
}

export function BrowserChat({ agentId, agentName }: { agentId: string; agentName: string }) {
  const [messages, setMessages] = useState<WireMessage[]>([]);
  const [connection, setConnection] = useState<"connecting" | "open" | "error">("connecting");
  const [state, formAction, pending] = useActionState(sendChatMessage, null);

  useEffect(() => {
    const source = new EventSource(`/api/agents/${encodeURIComponent(agentId)}/chat`);
    source.onopen = () => setConnection("open");
    source.onerror = () => setConnection("error");
    source.addEventListener("message", (event) => {
      const message = JSON.parse((event as MessageEvent<string>).data) as WireMessage;
      setMessages((list) => (list.some((m) => m.id === message.id) ? list : [...list, message]));
    });
    return () => source.close();
  }, [agentId]);

  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-ink-muted" data-testid="chat-connection" data-state={connection}>
        {connection === "connecting"
          ? "Joining the conversation as a guest…"
          : connection === "open"
            ? `You are in the conversation with ${agentName}.`
            : "The chat connection dropped; retrying…"}
      </p>
      <ol
        aria-live="polite"
        aria-label="Messages"
        className="flex max-h-96 flex-col gap-2 overflow-y-auto"
        data-testid="chat-log"
      >
        {messages.map((m) => (
          <li
            key={m.id}
            data-from={m.from}
            className={`w-fit max-w-[80%] rounded-2xl px-4 py-2 ${m.from === "me" ? "self-end bg-accent text-accent-ink" : "bg-accent-soft text-ink"}`}
          >
            <span className="sr-only">{m.from === "me" ? "You" : m.name}: </span>
            {m.text}
          </li>
        ))}
      </ol>
      <form action={formAction} className="flex gap-2">
        <input type="hidden" name="agentId" value={agentId} />
        <label htmlFor="chat-text" className="sr-only">
          Message
        </label>
        <input
          id="chat-text"
          name="text"
          required
          maxLength={4000}
          autoComplete="off"
          className="flex-1 rounded-lg border border-line bg-canvas px-3 py-2"
        />
        <button
          type="submit"
          disabled={pending || connection !== "open"}
          className="rounded-lg bg-accent px-4 py-2 font-medium text-accent-ink disabled:opacity-60"
        >
          {pending ? "Sending…" : "Send"}
        </button>
      </form>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-danger">
        {state && !state.ok ? state.error.message : null}
      </p>
    </div>
  );
}
