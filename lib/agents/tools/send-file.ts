/**
 * `send_file`: the agent sends a file it composed: a calendar event (.ics) for a plan the group agreed on,
 * a shared list, or a poll's tally (CSV or Markdown). The model gives structured data and lib/files renders
 * the file; it is encrypted and sent as an XMTP remote attachment (lib/files/store.ts). A `message` effect:
 * the tool-call ledger runs it at most once, and a call a crash cut short is not sent again.
 */
import { z } from "zod";
import { composeFile, type FileRequest } from "@/lib/files/compose";
import { FileError } from "@/lib/files/errors";
import { storeFile } from "@/lib/files/store";
import { asToolError } from "./as-tool-error";
import { defineTool, ToolError } from "./types";

const args = z.object({
  kind: z
    .enum(["event", "list", "poll"])
    .describe(
      "event: a calendar invite (.ics); list: a shared list as a file; poll: a poll's results as a file",
    ),
  title: z.string().max(200).optional().describe('For event: what it is, e.g. "Dinner at Luigi\'s"'),
  start: z
    .string()
    .max(40)
    .optional()
    .describe(
      'For event: "2026-12-24T18:00" (your time zone unless it has an offset), or "2026-12-24" for all day',
    ),
  end: z
    .string()
    .max(40)
    .optional()
    .describe("For event: when it ends, in the same form as start (omit: one hour, or the one day)"),
  location: z.string().max(300).optional().describe("For event: where"),
  description: z.string().max(2_000).optional().describe("For event: details for the calendar"),
  list: z.string().max(60).optional().describe("For list: the list's name"),
  poll: z.number().int().min(1).optional().describe("For poll: the poll's number; omit for the latest"),
  format: z.enum(["csv", "md"]).optional().describe("For list and poll: csv (default) or md (Markdown)"),
});

type Args = z.infer<typeof args>;

function request(a: Args): FileRequest {
  switch (a.kind) {
    case "event":
      if (!a.title?.trim() || !a.start?.trim()) throw new ToolError("an event needs its title and start");
      return {
        kind: "event" as const,
        title: a.title,
        start: a.start,
        end: a.end,
        location: a.location,
        description: a.description,
      };
    case "list":
      if (!a.list?.trim()) throw new ToolError("a list file needs the list's name");
      return { kind: "list" as const, list: a.list, format: a.format ?? "csv" };
    case "poll":
      return { kind: "poll" as const, poll: a.poll, format: a.format ?? "csv" };
  }
}

export const sendFileTool = defineTool({
  name: "send_file",
  label: "Files",
  summary: "Sends files it makes: calendar invites for plans, lists and poll results as CSV or Markdown.",
  description:
    "Send a file into the conversation: a calendar event (.ics) once the group has agreed on a plan (what, when, where), a shared list, or a poll's results (CSV or Markdown). You give the facts; the file is made for you. Send it once, when asked or when a plan is settled.",
  args,
  effect: "message",
  unavailable: (settings) => (settings.files ? undefined : "file storage is not configured"),
  async run(a, ctx) {
    const settings = ctx.settings.files;
    if (!settings) throw new ToolError("sending files is not configured on this server");
    const file = await asToolError(
      composeFile(request(a), {
        agentId: ctx.agentId,
        conversationId: ctx.conversationId,
        timeZone: ctx.timeZone,
        nameOf: ctx.nameOf,
        host: new URL(settings.publicUrl).host,
      }),
      FileError,
    );
    const attachment = await asToolError(storeFile(settings, ctx.agentId, file), FileError);
    await ctx.conversation.sendRemoteAttachment(attachment);
    return `Sent ${file.filename} (${file.summary}). Do not repeat its contents in your answer.`;
  },
});
