/**
 * The files an agent composes, from structured arguments: a calendar event (.ics), a shared list or a
 * poll's tally (CSV or Markdown). The model names what goes in; our code writes every byte.
 */
import { formatLocal } from "@/lib/schedules/wall-clock";
import { FileError } from "./errors";
import { eventTimes, eventUid, renderEvent, type EventTime } from "./ics";
import { listTable, pollTable, type FileScope } from "./sources";
import type { OutgoingFile } from "./store";
import { toCsv, toMarkdown, type Table } from "./tables";

export type FileRequest =
  | { kind: "event"; title: string; start: string; end?: string; location?: string; description?: string }
  | { kind: "list"; list: string; format: "csv" | "md" }
  | { kind: "poll"; poll?: number; format: "csv" | "md" };

export interface ComposeContext extends FileScope {
  timeZone: string;
  nameOf(inboxId: string): string;
  /** The host the events' UIDs end with (PUBLIC_URL's). */
  host: string;
  now?: Date;
}

export interface ComposedFile extends OutgoingFile {
  /** One line for the model: what the file holds. */
  summary: string;
}

/** "dinner-at-luigis": a file name from a title (ASCII letters and digits), or `fallback`. */
export function fileStem(title: string, fallback: string): string {
  const stem = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return stem || fallback;
}

const text = (s: string) => new TextEncoder().encode(s);

const when = (t: EventTime, timeZone: string) => ("at" in t ? formatLocal(t.at, timeZone) : t.date);

function event(r: Extract<FileRequest, { kind: "event" }>, c: ComposeContext): ComposedFile {
  const title = r.title.trim();
  if (!title) throw new FileError("an event needs a title");
  const { start, end } = eventTimes(r.start, r.end, c.timeZone);
  const ics = renderEvent({
    uid: eventUid(c.conversationId, title, start, c.host),
    stamp: c.now ?? new Date(),
    title,
    start,
    end,
    location: r.location?.trim() || undefined,
    description: r.description?.trim() || undefined,
  });
  return {
    filename: `${fileStem(title, "event")}.ics`,
    mimeType: "text/calendar",
    content: text(ics),
    summary: `${title}, ${when(start, c.timeZone)} to ${when(end, c.timeZone)} (${c.timeZone})`,
  };
}

function table(t: Table, format: "csv" | "md", stem: string): ComposedFile {
  return {
    filename: `${stem}.${format}`,
    mimeType: format === "csv" ? "text/csv" : "text/markdown",
    content: text(format === "csv" ? toCsv(t) : toMarkdown(t)),
    summary: `${t.title}, ${t.rows.length} rows`,
  };
}

/** The file `r` asks for; a FileError the model can act on when it can't be made. */
export async function composeFile(r: FileRequest, c: ComposeContext): Promise<ComposedFile> {
  switch (r.kind) {
    case "event":
      return event(r, c);
    case "list": {
      const t = await listTable(c, r.list);
      return table(t, r.format, fileStem(t.title, "list"));
    }
    case "poll": {
      const t = await pollTable(c, c.nameOf, r.poll);
      return table(t, r.format, "poll-results");
    }
  }
}
