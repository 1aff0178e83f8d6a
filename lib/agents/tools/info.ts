/** What pages show of the tools: name, badge and one line; plain data, safe to hand to client components. */
import { config } from "@/lib/config";
import { TOOLS, toolsNamed } from "./registry";
import { toolSettings } from "./settings";
import type { Tool, ToolSettings } from "./types";

export interface ToolInfo {
  name: string;
  label: string;
  summary: string;
  /** Why the server can't offer it ("web search is not configured on this server"), when it can't. */
  unavailable?: string;
}

const info = (t: Tool): ToolInfo => {
  const unavailable = t.unavailable?.(toolSettings(config()));
  return { name: t.name, label: t.label, summary: t.summary, ...(unavailable ? { unavailable } : {}) };
};

/** Every tool, in registry order. */
export const allToolInfo = (): ToolInfo[] => TOOLS.map(info);

/** The tools a template lists, in registry order; names no longer in the registry are left out. */
export const toolInfoFor = (names: readonly string[]): ToolInfo[] => toolsNamed(names).map(info);

/** The catalog badges of a template: its tools' labels, leaving out a provider's tools this server can't offer. */
export const toolBadges = (
  names: readonly string[],
  settings: ToolSettings = toolSettings(config()),
): string[] => [
  ...new Set(
    toolsNamed(names)
      .filter((t) => !(t.badgeOnlyWhenAvailable && t.unavailable?.(settings)))
      .map((t) => t.label),
  ),
];
