/**
 * Recurrence rules (RFC 5545 RRULE, e.g. "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"), computed by the rrule
 * library on wall-clock times in the schedule's time zone (wall-clock.ts), so "every day at 9" stays at 9
 * across a daylight-saving change. The rule's start (DTSTART) is the wall-clock minute it was created at
 * unless the model gives one; it is kept in the stored rule, so the next run never depends on when it is read.
 * rrule's own `tzid` option is not used: it returns dates meant to be read in the process's local time zone
 * (its documented behaviour), so the instants would change with the server's TZ; floating dates don't.
 */
import * as rruleModule from "rrule";
import { floatingOf, instantOf } from "./wall-clock";

// rrule ships CommonJS for Node and ESM for bundlers: take the namespace from whichever form loaded.
const { RRule } = ((rruleModule as unknown as { default?: typeof rruleModule }).default ??
  rruleModule) as typeof rruleModule;

/** The shortest time allowed between two runs of a schedule. */
export const MIN_INTERVAL_MS = 15 * 60_000;

export class RuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuleError";
  }
}

const FLOATING_STAMP = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "")
    .replace("Z", "");

/**
 * Parses the model's rule ("RRULE:" prefix optional; no DTSTART or TZID: the start and zone come separately),
 * anchored at `start` (an instant), and returns the rule as stored: "DTSTART:<floating>\nRRULE:…".
 */
export function normalizeRule(rule: string, start: Date, timeZone: string): string {
  const body = rule.trim().replace(/^RRULE:/i, "");
  if (!body || body.length > 300 || /[\r\n]/.test(body))
    throw new RuleError("the rule must be one RRULE line");
  if (/DTSTART|TZID/i.test(body)) throw new RuleError("give the start separately, not as DTSTART/TZID");
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(body);
  } catch (error) {
    throw new RuleError(`not a valid RRULE (${error instanceof Error ? error.message : String(error)})`);
  }
  if (options.freq === undefined || options.freq === null) throw new RuleError("the rule needs a FREQ");
  const dtstart = floatingOf(start, timeZone);
  dtstart.setUTCSeconds(0, 0);
  const stored = `DTSTART:${FLOATING_STAMP(dtstart)}\nRRULE:${body.toUpperCase()}`;
  const first = nextRuns(stored, timeZone, new Date(start.getTime() - 1), 3);
  if (first.length === 0) throw new RuleError("the rule never runs");
  for (let i = 1; i < first.length; i++)
    if (first[i].getTime() - first[i - 1].getTime() < MIN_INTERVAL_MS)
      throw new RuleError(`runs must be at least ${MIN_INTERVAL_MS / 60_000} minutes apart`);
  return stored;
}

const cache = new Map<string, InstanceType<typeof RRule>>();

function parsed(stored: string): InstanceType<typeof RRule> {
  let r = cache.get(stored);
  if (!r) {
    const [start, body] = stored.split("\n");
    const m = /^DTSTART:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(start);
    if (!m || !body?.startsWith("RRULE:")) throw new RuleError("a stored rule is malformed");
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    r = new RRule({
      ...RRule.parseString(body.slice(6)),
      dtstart: new Date(Date.UTC(y, mo - 1, d, h, mi, s)),
    });
    if (cache.size > 5_000) cache.clear();
    cache.set(stored, r);
  }
  return r;
}

/** Up to `count` runs strictly after `after`, as instants (a rule that ended gives fewer). */
export function nextRuns(stored: string, timeZone: string, after: Date, count: number): Date[] {
  const rule = parsed(stored);
  const runs: Date[] = [];
  // Start a day early in wall-clock time: an overlap hour maps two instants to one wall-clock time.
  let cursor = new Date(floatingOf(after, timeZone).getTime() - 86_400_000);
  while (runs.length < count) {
    const next = rule.after(cursor, false);
    if (!next) break;
    cursor = next;
    const at = instantOf(next, timeZone);
    if (at.getTime() > after.getTime() && !runs.some((r) => r.getTime() === at.getTime())) runs.push(at);
  }
  return runs;
}

/** The next run strictly after `after`, or null when the rule has ended. */
export const nextRun = (stored: string, timeZone: string, after: Date): Date | null =>
  nextRuns(stored, timeZone, after, 1)[0] ?? null;

/** The latest run at or before `at` and after `since` (a missed run to fire late), or null. */
export function latestRunBetween(stored: string, timeZone: string, since: Date, at: Date): Date | null {
  const rule = parsed(stored);
  const from = floatingOf(since, timeZone);
  const to = new Date(floatingOf(at, timeZone).getTime() + 86_400_000);
  const candidates = rule
    .between(from, to, true)
    .map((d) => instantOf(d, timeZone))
    .filter((d) => d.getTime() >= since.getTime() && d.getTime() <= at.getTime());
  return candidates.length ? candidates[candidates.length - 1] : null;
}

/** The rule's RRULE line without the stored start, for people to read ("FREQ=WEEKLY;BYDAY=MO"). */
export const ruleText = (stored: string) =>
  stored
    .split("\n")
    .find((l) => l.startsWith("RRULE:"))
    ?.slice(6) ?? stored;
