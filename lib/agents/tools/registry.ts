/**
 * Every tool an agent can be given, by name. Adding a tool is one module in
 * this folder (see types.ts) and one line in TOOLS. Template.tools lists names
 * from here; the catalog's badges and the template page's lines come from the
 * same entries, so the catalog only promises what agents can do.
 */
import { emailInboxTool, emailTool } from "./email";
import { listsTool } from "./lists";
import { forgetTool, rememberTool } from "./memory";
import { pollsTool } from "./polls";
import { reactTool } from "./react";
import { reminderCancelTool, remindersListTool, remindTool, scheduleTool } from "./reminders";
import { replyTool } from "./reply";
import { sendFileTool } from "./send-file";
import { setProfileTool } from "./set-profile";
import { smsTool } from "./sms";
import type { Tool } from "./types";
import { fetchUrlTool, webSearchTool } from "./web";

export const TOOLS: readonly Tool[] = [
  reactTool,
  replyTool,
  listsTool,
  rememberTool,
  forgetTool,
  pollsTool,
  setProfileTool,
  remindTool,
  scheduleTool,
  remindersListTool,
  reminderCancelTool,
  webSearchTool,
  fetchUrlTool,
  smsTool,
  emailTool,
  emailInboxTool,
  sendFileTool,
] as unknown as readonly Tool[];

export const TOOL_NAMES: readonly string[] = TOOLS.map((t) => t.name);

const byName = new Map(TOOLS.map((t) => [t.name, t]));

export const toolByName = (name: string): Tool | undefined => byName.get(name);

/** The tools of `names` in registry order; unknown names are left out. */
export const toolsNamed = (names: readonly string[]): Tool[] => TOOLS.filter((t) => names.includes(t.name));

/** The names that are not tools (what a template form must refuse). */
export const unknownToolNames = (names: readonly string[]): string[] => names.filter((n) => !byName.has(n));
