import type { ToolInfo } from "@/lib/agents/tools/info";

/** One line per tool: what the agent can do in the conversation. */
export function ToolLines({ tools }: { tools: ToolInfo[] }) {
  if (tools.length === 0) return null;
  return (
    <ul aria-label="What it can do" className="flex flex-col gap-1 text-sm">
      {tools.map((tool) => (
        <li key={tool.name}>
          <span className="font-medium">{tool.label}:</span>{" "}
          <span className="text-ink-muted">{tool.summary}</span>
          {tool.unavailable ? <span className="text-ink-muted"> ({tool.unavailable})</span> : null}
        </li>
      ))}
    </ul>
  );
}
