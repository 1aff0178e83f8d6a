import { describe, expect, it } from "vitest";
import { formatTimeIn, isTimeZone, timeZoneChoices, timeZoneOrDefault } from "./time-zone";

describe("agent time zones", () => {
  it("accepts IANA zones and refuses anything else", () => {
    for (const zone of ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])
      expect(isTimeZone(zone), zone).toBe(true);
    for (const zone of ["", "Mars/Olympus", "Europe/Paris; DROP TABLE", "../etc/passwd", "x".repeat(65)])
      expect(isTimeZone(zone), zone).toBe(false);
  });

  it("falls back to UTC for a browser zone it does not know", () => {
    expect(timeZoneOrDefault("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(timeZoneOrDefault("Nowhere/Land")).toBe("UTC");
    expect(timeZoneOrDefault(undefined)).toBe("UTC");
  });

  it("tells the time in the zone", () => {
    const at = new Date("2026-11-30T23:30:00Z");
    expect(formatTimeIn(at, "UTC")).toBe("Monday, 30 November 2026, 23:30");
    expect(formatTimeIn(at, "Asia/Tokyo")).toBe("Tuesday, 1 December 2026, 08:30");
  });

  it("offers every zone in the picker, the current one and UTC included", () => {
    const zones = timeZoneChoices("Europe/Paris");
    expect(zones).toContain("UTC");
    expect(zones).toContain("Europe/Paris");
    expect(zones.length).toBeGreaterThan(300);
  });
});
