/**
 * A calendar event as an iCalendar file (RFC 5545): one VCALENDAR with one VEVENT, rendered by our code
 * from the model's structured arguments (never bytes the model wrote).
 *
 * - Times are written in UTC ("20261224T170000Z"): a wall-clock time the model gives is read in the
 *   agent's time zone first (lib/schedules/wall-clock.ts, with its daylight-saving rules). A TZID would
 *   need a VTIMEZONE with the zone's rules beside it; UTC needs none and every calendar shows it in the
 *   reader's own zone. An all-day event uses DATE values, its DTEND the day after the last (exclusive).
 * - TEXT values escape backslash, semicolon, comma and newlines (§3.3.11); other control characters go.
 * - Lines end in CRLF and are folded at 75 octets (§3.1): a continuation line starts with one space, and
 *   a UTF-8 character is never split across lines.
 * - The UID is derived from the conversation, the title and the start: sending the same plan again
 *   updates the one event in a calendar instead of adding a second.
 */
import { createHash } from "node:crypto";
import { parseTime } from "@/lib/schedules/wall-clock";
import { FileError } from "./errors";

/** An event's start or end: an instant, or a whole day ("YYYY-MM-DD"). */
export type EventTime = { at: Date } | { date: string };

export interface CalendarEvent {
  uid: string;
  /** When the file was made (DTSTAMP). */
  stamp: Date;
  title: string;
  start: EventTime;
  end: EventTime;
  location?: string;
  description?: string;
}

/** The longest event, in days: a plan, not a season. */
export const MAX_EVENT_DAYS = 60;

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "20261224T170000Z". */
const utc = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

/** A whole day as a UTC midnight, or undefined when `text` is not a real date. */
function dayOf(text: string): Date | undefined {
  const m = DATE_ONLY.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text.trim() ? d : undefined;
}

const inRange = (t: number) => t >= Date.UTC(1970, 0, 1) && t < Date.UTC(2200, 0, 1);

/**
 * The event's start and end from the model's text: both whole days ("2026-12-24"), or both times (with an
 * offset, or wall-clock in `timeZone`). No end: an hour later, or the one day. Throws a FileError the model
 * can act on when they don't make an event.
 */
export function eventTimes(
  start: string,
  end: string | undefined,
  timeZone: string,
): { start: EventTime; end: EventTime } {
  const startDay = dayOf(start);
  if (startDay) {
    const endDay = end === undefined ? new Date(startDay.getTime() + DAY_MS) : dayOf(end);
    if (!endDay) throw new FileError(`"${end}" is not a date like "2026-12-24" (the start is a whole day)`);
    // A whole-day end names the last day; DTEND is the day after it.
    const last = end === undefined ? endDay : new Date(endDay.getTime() + DAY_MS);
    return checked({ date: start.trim() }, { date: last.toISOString().slice(0, 10) }, startDay, last);
  }
  const at = parseTime(start, timeZone);
  if (!at)
    throw new FileError(`"${start}" is not a time like "2026-12-24T18:00" or a date like "2026-12-24"`);
  const endAt = end === undefined ? new Date(at.getTime() + 3_600_000) : parseTime(end, timeZone);
  if (!endAt) throw new FileError(`"${end}" is not a time like "2026-12-24T20:00" (the start is a time)`);
  return checked({ at }, { at: endAt }, at, endAt);
}

function checked(start: EventTime, end: EventTime, from: Date, to: Date) {
  if (!inRange(from.getTime()) || !inRange(to.getTime()))
    throw new FileError("the event's dates are out of range");
  if (to <= from) throw new FileError("the event must end after it starts");
  if (to.getTime() - from.getTime() > MAX_EVENT_DAYS * DAY_MS)
    throw new FileError(`an event lasts at most ${MAX_EVENT_DAYS} days`);
  return { start, end };
}

/** A TEXT value escaped (RFC 5545 §3.3.11), without control characters other than newlines and tabs. */
export function escapeText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, "\\n");
}

/** One content line folded at 75 octets (§3.1), never inside a UTF-8 character; lines joined with CRLF. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (octets + size > 75) {
      parts.push(current);
      current = " ";
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n");
}

const timeLine = (name: string, t: EventTime) =>
  "at" in t ? `${name}:${utc(t.at)}` : `${name};VALUE=DATE:${t.date.replace(/-/g, "")}`;

/** The event's .ics file (text, CRLF line ends). */
export function renderEvent(e: CalendarEvent): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Convos Agents//send_file//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${escapeText(e.uid)}`,
    `DTSTAMP:${utc(e.stamp)}`,
    timeLine("DTSTART", e.start),
    timeLine("DTEND", e.end),
    `SUMMARY:${escapeText(e.title)}`,
    ...(e.location ? [`LOCATION:${escapeText(e.location)}`] : []),
    ...(e.description ? [`DESCRIPTION:${escapeText(e.description)}`] : []),
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldLine).join("\r\n") + "\r\n";
}

/** A UID that names the same plan each time it is sent (see the module comment). */
export function eventUid(conversationId: string, title: string, start: EventTime, host: string): string {
  const key = JSON.stringify([
    conversationId,
    title.trim().toLowerCase(),
    "at" in start ? start.at : start.date,
  ]);
  return `${createHash("sha256").update(key).digest("hex").slice(0, 32)}@${host}`;
}
