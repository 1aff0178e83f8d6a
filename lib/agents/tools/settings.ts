/** The tools' settings from the server's: built once by the worker at start, and by pages from config(). */
import type { Config } from "@/lib/config";
import { searchSettings } from "@/lib/web/search";
import { telnyxSettings } from "@/lib/providers/telnyx/settings";
import { agentMailSettings } from "@/lib/providers/agentmail/settings";
import { fileSettings } from "@/lib/files/settings";
import type { ToolSettings } from "./types";

export const toolSettings = (c: Config): ToolSettings => ({
  search: searchSettings(c),
  telnyx: telnyxSettings(c),
  email: agentMailSettings(c),
  files: fileSettings(c),
});
