"use client";
import { useEffect, useState } from "react";
import type { AgentLiveStatus } from "@/lib/agents/queries";

const POLL_MS = 1500;

/** What a person should read for a status. */
export function describeStatus(
  s: Pick<AgentLiveStatus, "status" | "source" | "firstJoinedAt" | "failureReason">,
): string {
  switch (s.status) {
    case "ready":
      if (s.source === "direct") return "Ready: add the agent to your conversation by its inbox id…";
      return "Ready: the agent is coming online…";
    case "joining":
      return "Joining your conversation: waiting for its creator to let the agent in…";
    case "live":
      if (s.source === "join") return "Live: the agent joined your conversation.";
      if (s.source === "direct") return "Live: the agent was added to your conversation.";
      return s.firstJoinedAt
        ? "Live: someone joined the conversation."
        : "Live: waiting for someone to join…";
    case "failed":
      return `Failed: ${s.failureReason ?? "the agent could not start."}`;
    case "stopped":
      return "Stopped.";
  }
}

function settled(s: AgentLiveStatus): boolean {
  if (s.status === "failed" || s.status === "stopped") return true;
  return s.status === "live" && (s.source !== "launch" || s.firstJoinedAt !== null);
}

/** An agent's status, polled from /api/agents/[id]/status every ~1.5 s until it settles, announced politely. */
export function AgentStatus({ initial }: { initial: AgentLiveStatus }) {
  const [status, setStatus] = useState(initial);

  useEffect(() => {
    if (settled(initial)) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        const response = await fetch(`/api/agents/${encodeURIComponent(initial.id)}/status`, {
          cache: "no-store",
        });
        if (response.ok) {
          const next = (await response.json()) as AgentLiveStatus;
          if (stop) return;
          setStatus(next);
          if (settled(next)) return;
        }
      } catch {
        // A dropped request: the next poll tries again.
      }
      if (!stop) timer = setTimeout(poll, POLL_MS);
    }
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [initial]);

  const tone =
    status.status === "failed" ? "text-danger" : status.status === "live" ? "text-success" : "text-ink-muted";
  return (
    <p
      role="status"
      aria-live="polite"
      data-testid="agent-status"
      data-status={status.status}
      className={`text-sm font-medium ${tone}`}
    >
      {describeStatus(status)}
    </p>
  );
}
