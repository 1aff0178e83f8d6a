/**
 * Wall-clock times in a time zone, as "floating" dates: a Date whose UTC
 * fields are the local fields (09:00 in New York is 09:00Z here). rrule
 * computes recurrences on floating dates (no tzid, so its results don't
 * depend on the process's own time zone), and `instantOf` turns each
 * occurrence into the real instant, with the daylight-saving rules:
 *
 *   a gap (02:30 on the spring-forward night doesn't exist): shifted forward by the gap, to 03:30;
 *   an overlap (01:30 on the fall-back night happens twice): the first of the two.
 */
import { zoneFormatters } from "@/lib/zone-formatters";

const formatter = zoneFormatters("en-US", {
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});

/** The wall-clock time of `instant` in `timeZone`, as a floating date (milliseconds kept). */
export function floatingOf(instant: Date, timeZone: string): Date {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant))
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  return new Date(
    Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) +
      instant.getUTCMilliseconds(),
  );
}

/** The zone's offset from UTC at `instant`, in ms (New York in winter: -5 h). */
const offsetAt = (instant: number, timeZone: string) =>
  floatingOf(new Date(instant), timeZone).getTime() - instant;

/** The instant a floating (wall-clock) date names in `timeZone`; see the module comment for gaps and overlaps. */
export function instantOf(floating: Date, timeZone: string): Date {
  const f = floating.getTime();
  // The offsets around f: at most two distinct ones near a transition.
  const offsets = [
    ...new Set([
      offsetAt(f - 86_400_000, timeZone),
      offsetAt(f, timeZone),
      offsetAt(f + 86_400_000, timeZone),
    ]),
  ];
  const valid = offsets.map((o) => f - o).filter((t) => offsetAt(t, timeZone) === f - t);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // In a gap: the offset before the transition (the smaller one) moves the time forward by the gap.
  return new Date(f - Math.min(...offsets));
}

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * An ISO time as the model gives it: with an offset or Z it is an instant; without one ("2026-12-01T09:00")
 * it is a wall-clock time in `timeZone`. Undefined when it is neither.
 */
export function parseTime(value: string, timeZone: string): Date | undefined {
  const text = value.trim();
  const local = LOCAL_ISO.exec(text);
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1).map((n) => Number(n ?? 0));
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
    const floating = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (floating.getUTCDate() !== d) return undefined; // 31 November
    return instantOf(floating, timeZone);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** "Mon 7 Dec 2026, 09:00": a time as members and the owner read it, in the zone. */
export function formatLocal(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  })
    .format(instant)
    .replace(" at ", ", ");
}
