"use client";
/**
 * The browser chat with an agent (XMTP_ENV=local): messages arrive over
 * server-sent events from /api/agents/[id]/chat, and are sent with a server
 * action. The log is an aria-live region. Photos show as images, voice notes
 * and audio with a player, other files as a download link; their bytes come,
 * decrypted on the server, from /api/agents/[id]/chat/attachments/… (never
 * the keys). The form sends a text, a photo or file, or both.
 */
import { useActionState, useEffect, useRef, useState } from "react";
import { sendChatMessage } from "./chat-actions";

interface WireFile {
  url: string;
  name: string;
  size: number | null;
  kind: "image" | "audio" | "video" | "pdf" | "text" | "other";
}

interface WireMessage {
  id: string;
  from: "me" | "agent";
  name: string;
  text: string;
  files: WireFile[];
  sentAt: string;
}

const sizeText = (bytes: number | null) =>
  bytes === null
    ? ""
    : bytes < 1024
      ? `${bytes} B`
      : bytes < 1024 * 1024
        ? `${Math.round(bytes / 1024)} KB`
        : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function ChatFile({ file }: { file: WireFile }) {
  if (file.kind === "image")
    return (
      <a href={file.url} target="_blank" rel="noopener" className="block">
        {/* eslint-disable-next-line @next/next/no-img-element -- an authenticated, per-user route */}
        <img
          src={file.url}
          alt={file.name}
          className="max-h-64 max-w-full rounded-lg"
          data-testid="chat-image"
        />
      </a>
    );
  if (file.kind === "audio")
    return (
      <audio controls preload="none" src={file.url} aria-label={file.name} data-testid="chat-audio">
        <a href={file.url}>{file.name}</a>
      </audio>
    );
  return (
    <a href={file.url} download={file.name} className="underline" data-testid="chat-file">
      {file.name}
      {file.size !== null ? ` (${sizeText(file.size)})` : ""}
    </a>
  );
}

export function BrowserChat({ agentId, agentName }: { agentId: string; agentName: string }) {
  const [messages, setMessages] = useState<WireMessage[]>([]);
  const [connection, setConnection] = useState<"connecting" | "open" | "error">("connecting");
  const [state, formAction, pending] = useActionState(sendChatMessage, null);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);

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
            {m.files.map((f) => (
              <ChatFile key={f.url} file={f} />
            ))}
          </li>
        ))}
      </ol>
      <form ref={form} action={formAction} className="flex flex-wrap gap-2">
        <input type="hidden" name="agentId" value={agentId} />
        <label htmlFor="chat-text" className="sr-only">
          Message
        </label>
        <input
          id="chat-text"
          name="text"
          maxLength={4000}
          autoComplete="off"
          className="flex-1 rounded-lg border border-line bg-canvas px-3 py-2"
        />
        <label htmlFor="chat-file" className="sr-only">
          Photo or file (at most 8 MB)
        </label>
        <input
          id="chat-file"
          name="file"
          type="file"
          className="max-w-56 text-sm"
          data-testid="chat-file-input"
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
