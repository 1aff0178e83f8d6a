/**
 * An agent's time zone: an IANA name ("Europe/Paris"), "UTC" by default. Set
 * at launch from the owner's browser and changeable on the agent's page; the
 * model is told the current time in it.
 */
import { zoneFormatters } from "@/lib/zone-formatters";

export const DEFAULT_TIME_ZONE = "UTC";

/** True for a time zone this runtime knows (IANA names and their aliases, "UTC"). */
export function isTimeZone(value: string): boolean {
  if (!value || value.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A browser's time zone if it is a valid one, else the default (a launch never fails on it). */
export const timeZoneOrDefault = (value: string | null | undefined): string =>
  value && isTimeZone(value) ? value : DEFAULT_TIME_ZONE;

/** "Monday, 30 November 2026, 14:05": the time as the model reads it. */
export function formatTimeIn(now: Date, timeZone: string): string {
  return formatterFor(timeZone).format(now).replace(" at ", ", ");
}

/** One formatter per zone: every prompt states the time. */
const formatterFor = zoneFormatters("en-GB", {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** Every zone the runtime knows, for a picker; UTC and `current` always among them. */
export function timeZoneChoices(current: string): string[] {
  const zones = new Set(Intl.supportedValuesOf("timeZone"));
  zones.add(DEFAULT_TIME_ZONE);
  zones.add(current);
  return [...zones].sort();
}
