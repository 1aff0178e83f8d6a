/** The calendar file: escaping, folding at 75 octets, times in the agent's zone written in UTC, whole days. */
import { describe, expect, it } from "vitest";
import { FileError } from "./errors";
import { escapeText, eventTimes, eventUid, foldLine, renderEvent } from "./ics";

const octets = (line: string) => Buffer.byteLength(line);

/** The content lines of an .ics file, unfolded (RFC 5545 §3.1), after checking every physical line. */
function unfold(ics: string): string[] {
  expect(ics.endsWith("\r\n")).toBe(true);
  const physical = ics.slice(0, -2).split("\r\n");
  for (const line of physical) {
    expect(octets(line)).toBeLessThanOrEqual(75);
    expect(line).not.toMatch(/[\r\n]/);
  }
  return ics.slice(0, -2).replace(/\r\n /g, "").split("\r\n");
}

describe("ics", () => {
  it("escapes backslashes, semicolons, commas and newlines, and drops other control characters", () => {
    expect(escapeText("a\\b;c,d\r\ne\nf\u0007g\th")).toBe("a\\\\b\\;c\\,d\\ne\\nfg\th");
  });

  it("folds a long line at 75 octets without splitting a UTF-8 character", () => {
    const line = `DESCRIPTION:${"é".repeat(50)}${"x".repeat(80)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(octets(p)).toBeLessThanOrEqual(75);
    for (const p of parts.slice(1)) expect(p.startsWith(" ")).toBe(true);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join("")).toBe(line);
    expect(foldLine("SUMMARY:short")).toBe("SUMMARY:short");
  });

  it("reads wall-clock times in the agent's time zone, across daylight saving, and writes them in UTC", () => {
    // Paris is UTC+1 in December and UTC+2 in July.
    const winter = eventTimes("2026-12-24T18:00", "2026-12-24T20:30", "Europe/Paris");
    expect(winter).toEqual({
      start: { at: new Date("2026-12-24T17:00:00Z") },
      end: { at: new Date("2026-12-24T19:30:00Z") },
    });
    const summer = eventTimes("2026-07-14T09:00", undefined, "Europe/Paris");
    expect(summer).toEqual({
      start: { at: new Date("2026-07-14T07:00:00Z") },
      end: { at: new Date("2026-07-14T08:00:00Z") }, // an hour by default
    });
    // An offset wins over the zone.
    expect(eventTimes("2026-12-24T18:00-05:00", undefined, "Europe/Paris").start).toEqual({
      at: new Date("2026-12-24T23:00:00Z"),
    });
  });

  it("whole days: DATE values, DTEND the day after the last", () => {
    expect(eventTimes("2026-12-24", undefined, "UTC")).toEqual({
      start: { date: "2026-12-24" },
      end: { date: "2026-12-25" },
    });
    expect(eventTimes("2026-12-30", "2027-01-02", "UTC")).toEqual({
      start: { date: "2026-12-30" },
      end: { date: "2027-01-03" },
    });
  });

  it("refuses times that don't make an event, with a line the model can act on", () => {
    const refused = (start: string, end?: string) => () => eventTimes(start, end, "Europe/Paris");
    expect(refused("tomorrow evening")).toThrow(FileError);
    expect(refused("2026-02-30")).toThrow(/not a time/);
    expect(refused("2026-12-24T18:00", "2026-12-24T17:00")).toThrow("the event must end after it starts");
    expect(refused("2026-12-24", "2026-12-24T20:00")).toThrow(/the start is a whole day/);
    expect(refused("2026-01-01", "2026-12-31")).toThrow(/at most 60 days/);
    expect(refused("1900-01-01T10:00")).toThrow(/out of range/);
  });

  it("renders one VEVENT with UID, DTSTAMP, UTC times and escaped text, in CRLF lines", () => {
    const { start, end } = eventTimes("2026-12-24T18:00", "2026-12-24T20:30", "Europe/Paris");
    const uid = eventUid("conv-1", "Dinner", start, "agents.example");
    const ics = renderEvent({
      uid,
      stamp: new Date("2026-12-07T11:00:00.123Z"),
      title: "Dinner; Luigi's, upstairs",
      start,
      end,
      location: "Via Roma 1, Milano",
      description: `Bring:\n${"a very long list of things, ".repeat(5).trimEnd()}`,
    });
    const lines = unfold(ics);
    expect(lines).toEqual([
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Convos Agents//send_file//EN",
      "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH",
      "BEGIN:VEVENT",
      `UID:${uid}`,
      "DTSTAMP:20261207T110000Z",
      "DTSTART:20261224T170000Z",
      "DTEND:20261224T193000Z",
      "SUMMARY:Dinner\\; Luigi's\\, upstairs",
      "LOCATION:Via Roma 1\\, Milano",
      `DESCRIPTION:Bring:\\n${"a very long list of things\\, ".repeat(5).trimEnd()}`,
      "END:VEVENT",
      "END:VCALENDAR",
    ]);
    expect(uid).toMatch(/^[0-9a-f]{32}@agents\.example$/);
    // The same plan gets the same UID (a calendar updates it); another start, another event.
    expect(eventUid("conv-1", " dinner ", start, "agents.example")).toBe(uid);
    expect(eventUid("conv-1", "Dinner", end, "agents.example")).not.toBe(uid);
  });

  it("writes whole days as DATE values", () => {
    const { start, end } = eventTimes("2026-12-24", undefined, "UTC");
    const lines = unfold(renderEvent({ uid: "u@h", stamp: new Date(0), title: "Trip", start, end }));
    expect(lines).toContain("DTSTART;VALUE=DATE:20261224");
    expect(lines).toContain("DTEND;VALUE=DATE:20261225");
    expect(lines.some((l) => l.startsWith("LOCATION") || l.startsWith("DESCRIPTION"))).toBe(false);
  });
});
