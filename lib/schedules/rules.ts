/**
 * Recurrence rules (RFC 5545 RRULE, e.g. "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"), computed by the rrule
 * library on wall-clock times in the schedule's time zone (wall-clock.ts), so "every day at 9" stays at 9
 * across a daylight-saving change. The rule's start (DTSTART) is the wall-clock minute it was created at
 * unless the model gives one; it is kept in the stored rule, so the next run never depends on when it is read.
 * rrule's own `tzid` option is not used: it returns dates meant to be read in the process's local time zone
 * (its documented behaviour), so the instants would change with the server's TZ; floating dates don't.
 *
 * A rule comes from a chat member through the model, so it is hostile input. rrule never returns on some
 * rules, so every expansion runs on the rule thread under a deadline (rule-thread.ts); before that, the rule
 * is checked here (`checkRule`, pure and bounded): values in range, and for HOURLY, MINUTELY and SECONDLY a
 * step that can reach the BYHOUR/BYMINUTE/BYSECOND it asks for from the start (the case rrule loops on).
 * Runs must be MIN_INTERVAL_MS apart over every run of a whole window (SPACING_WINDOW), not only the first
 * few; firing.ts checks the spacing again when a run fires.
 */
import * as rruleModule from "rrule";
import { expandRule, RuleTimeout } from "./rule-thread";
import { floatingOf, instantOf } from "./wall-clock";

// rrule ships CommonJS for Node and ESM for bundlers: take the namespace from whichever form loaded.
const { RRule, Frequency } = ((rruleModule as unknown as { default?: typeof rruleModule }).default ??
  rruleModule) as typeof rruleModule;

/** The shortest time allowed between two runs of a schedule. */
export const MIN_INTERVAL_MS = 15 * 60_000;

/** How far ahead the spacing is checked: two whole periods of the rule, within these bounds. */
const SPACING_WINDOW = { minMs: 8 * 86_400_000, maxMs: 2 * 366 * 86_400_000, runs: 1_000 };

const MAX_INTERVAL = 1_000;
/** The most days each month can have (February in a leap year). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/**
 * How far around a time the wall-clock search reaches: a daylight-saving change moves wall-clock times by up
 * to two hours against instants (an overlap maps two instants to one wall-clock time).
 */
const ZONE_SLACK_MS = 3 * 3_600_000;
const DAY_S = 86_400;

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

type ParsedRule = ReturnType<typeof RRule.parseString>;

const listOf = (v: unknown): number[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map((x) => Number(x));

const NAMES: Partial<Record<number, string>> = {
  [Frequency.HOURLY]: "hour",
  [Frequency.MINUTELY]: "minute",
  [Frequency.SECONDLY]: "second",
};

function inRange(name: string, values: number[], min: number, max: number, zero = true) {
  for (const v of values)
    if (!Number.isInteger(v) || Math.abs(v) < min || Math.abs(v) > max || (!zero && v === 0))
      throw new RuleError(`${name}=${v} is out of range`);
}

/**
 * Refuses, with a message for the model, a rule that can never run or that rrule would loop on: values out
 * of range, and an HOURLY/MINUTELY/SECONDLY step that can never reach its BYHOUR/BYMINUTE/BYSECOND from the
 * start's time of day `startSecond` (seconds since midnight, wall clock). Pure; at most 86,400 steps.
 */
export function checkRule(o: ParsedRule, startSecond: number): void {
  if (o.freq === undefined || o.freq === null) throw new RuleError("the rule needs a FREQ");
  const interval = o.interval ?? 1;
  if (!Number.isInteger(interval) || interval < 1 || interval > MAX_INTERVAL)
    throw new RuleError(`INTERVAL must be between 1 and ${MAX_INTERVAL}`);
  if (o.count !== undefined && o.count !== null && (!Number.isInteger(o.count) || o.count < 1))
    throw new RuleError("COUNT must be a positive whole number");
  const hours = listOf(o.byhour);
  const minutes = listOf(o.byminute);
  const seconds = listOf(o.bysecond);
  inRange("BYHOUR", hours, 0, 23);
  inRange("BYMINUTE", minutes, 0, 59);
  inRange("BYSECOND", seconds, 0, 59);
  inRange("BYMONTH", listOf(o.bymonth), 1, 12);
  inRange("BYMONTHDAY", listOf(o.bymonthday), 1, 31, false);
  inRange("BYYEARDAY", listOf(o.byyearday), 1, 366, false);
  inRange("BYWEEKNO", listOf(o.byweekno), 1, 53, false);
  inRange("BYSETPOS", listOf(o.bysetpos), 1, 366, false);
  const months = listOf(o.bymonth);
  const monthDays = listOf(o.bymonthday);
  if (months.length > 0 && monthDays.length > 0)
    if (!months.some((m) => monthDays.some((d) => Math.abs(d) <= DAYS_IN_MONTH[m - 1])))
      throw new RuleError(`the rule never runs: no month of BYMONTH=${months.join(",")} has those days`);

  // rrule's step for these frequencies searches, without a bound, for a time whose hour (and minute, and
  // second) its filters accept; from the start it only ever visits one residue class of the day.
  const unit = { [Frequency.HOURLY]: 3_600, [Frequency.MINUTELY]: 60, [Frequency.SECONDLY]: 1 }[
    o.freq as number
  ];
  if (unit === undefined) return;
  const step = interval * unit;
  const checks = {
    hour: hours.length > 0,
    minute: o.freq !== Frequency.HOURLY && minutes.length > 0,
    second: o.freq === Frequency.SECONDLY && seconds.length > 0,
  };
  if (!checks.hour && !checks.minute && !checks.second) return;
  const g = gcd(step, DAY_S);
  // The step visits, in wall-clock seconds of the day, exactly the values congruent to the start modulo g.
  const base = startSecond % g;
  for (let t = base; t < DAY_S; t += g) {
    const h = Math.floor(t / 3_600);
    const m = Math.floor(t / 60) % 60;
    const s = t % 60;
    if (
      (!checks.hour || hours.includes(h)) &&
      (!checks.minute || minutes.includes(m)) &&
      (!checks.second || seconds.includes(s))
    )
      return;
  }
  const at = `${String(Math.floor(startSecond / 3_600)).padStart(2, "0")}:${String(Math.floor(startSecond / 60) % 60).padStart(2, "0")}:${String(startSecond % 60).padStart(2, "0")}`;
  const asked = [
    checks.hour ? `BYHOUR=${hours.join(",")}` : "",
    checks.minute ? `BYMINUTE=${minutes.join(",")}` : "",
    checks.second ? `BYSECOND=${seconds.join(",")}` : "",
  ]
    .filter(Boolean)
    .join(";");
  throw new RuleError(
    `the rule can never run: every ${interval} ${NAMES[o.freq as number]}${interval === 1 ? "" : "s"} from ${at} never lands on ${asked}` +
      (o.freq === Frequency.SECONDLY && seconds.length > 0 && interval !== 1
        ? " (BYSECOND needs INTERVAL=1 here)"
        : " (use INTERVAL=1, or a FREQ=DAILY/WEEKLY rule with BYHOUR and BYMINUTE)"),
  );
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Runs a rule expansion, turning a timeout into the RuleError the model reads. */
async function expanded(req: Parameters<typeof expandRule>[0], deadlineMs?: number): Promise<number[]> {
  try {
    return await expandRule(req, deadlineMs);
  } catch (error) {
    if (error instanceof RuleTimeout)
      throw new RuleError(
        "the rule takes too long to compute (its filters may never line up); use a simpler rule, e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
      );
    // The library refused it, or the thread ran out of memory: either way this rule cannot be computed.
    throw new RuleError(
      `the rule cannot be computed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Instants of floating runs, ascending and without the duplicates an overlap hour makes. Each day's offset is
 * read once: away from a change of offset (the same offset a day before and two days after) a run's instant is
 * its wall-clock time less that offset, as instantOf would find with five reads of the zone's rules.
 */
function instants(floating: number[], timeZone: string): Date[] {
  const seen = new Set<number>();
  const out: Date[] = [];
  const offsets = new Map<number, number>();
  const offsetOfDay = (day: number) => {
    let o = offsets.get(day);
    if (o === undefined) {
      o = floatingOf(new Date(day * 86_400_000), timeZone).getTime() - day * 86_400_000;
      offsets.set(day, o);
    }
    return o;
  };
  for (const f of floating) {
    const day = Math.floor(f / 86_400_000);
    const before = offsetOfDay(day - 1);
    const at = before === offsetOfDay(day + 2) ? new Date(f - before) : instantOf(new Date(f), timeZone);
    if (!seen.has(at.getTime())) {
      seen.add(at.getTime());
      out.push(at);
    }
  }
  return out.sort((a, b) => a.getTime() - b.getTime());
}

const PERIOD_MS: Record<number, number> = {
  [Frequency.YEARLY]: 366 * 86_400_000,
  [Frequency.MONTHLY]: 31 * 86_400_000,
  [Frequency.WEEKLY]: 7 * 86_400_000,
  [Frequency.DAILY]: 86_400_000,
  [Frequency.HOURLY]: 3_600_000,
  [Frequency.MINUTELY]: 60_000,
  [Frequency.SECONDLY]: 1_000,
};

/**
 * Parses the model's rule ("RRULE:" prefix optional; no DTSTART or TZID: the start and zone come separately),
 * anchored at `start` (an instant), checks it (see the module comment), and returns the rule as stored:
 * "DTSTART:<floating>\nRRULE:…".
 */
export async function normalizeRule(rule: string, start: Date, timeZone: string): Promise<string> {
  const body = rule.trim().replace(/^RRULE:/i, "");
  if (!body || body.length > 300 || /[\r\n]/.test(body))
    throw new RuleError("the rule must be one RRULE line");
  if (/DTSTART|TZID/i.test(body)) throw new RuleError("give the start separately, not as DTSTART/TZID");
  let options: ParsedRule;
  try {
    options = RRule.parseString(body);
  } catch (error) {
    throw new RuleError(`not a valid RRULE (${error instanceof Error ? error.message : String(error)})`);
  }
  const dtstart = floatingOf(start, timeZone);
  dtstart.setUTCSeconds(0, 0);
  checkRule(options, Math.floor((dtstart.getTime() % 86_400_000) / 1_000));
  const stored = `DTSTART:${FLOATING_STAMP(dtstart)}\nRRULE:${body.toUpperCase()}`;
  const first = await nextRuns(stored, timeZone, new Date(start.getTime() - 1), 1);
  if (first.length === 0) throw new RuleError("the rule never runs");
  await checkSpacing(stored, timeZone, first[0], options);
  return stored;
}

/** Refuses a rule with two runs closer than MIN_INTERVAL_MS among its runs of the window from `first`. */
async function checkSpacing(stored: string, timeZone: string, first: Date, o: ParsedRule): Promise<void> {
  const period = PERIOD_MS[o.freq as number] * (o.interval ?? 1);
  const span = Math.min(SPACING_WINDOW.maxMs, Math.max(SPACING_WINDOW.minMs, 2 * period));
  const from = floatingOf(first, timeZone).getTime();
  const runs = instants(
    await expanded({
      op: "first",
      stored,
      from,
      to: from + span + ZONE_SLACK_MS,
      count: SPACING_WINDOW.runs,
    }),
    timeZone,
  ).filter((d) => d.getTime() >= first.getTime());
  for (let i = 1; i < runs.length; i++)
    if (runs[i].getTime() - runs[i - 1].getTime() < MIN_INTERVAL_MS)
      throw new RuleError(
        `runs must be at least ${MIN_INTERVAL_MS / 60_000} minutes apart (this rule runs at ${runs[i - 1].toISOString()} and ${runs[i].toISOString()})`,
      );
}

/** Up to `count` runs strictly after `after`, as instants (a rule that ended gives fewer). */
export async function nextRuns(
  stored: string,
  timeZone: string,
  after: Date,
  count: number,
  deadlineMs?: number,
): Promise<Date[]> {
  // Start early in wall-clock time (ZONE_SLACK_MS); the runs before `after` are dropped.
  const from = floatingOf(after, timeZone).getTime() - ZONE_SLACK_MS;
  const runs: Date[] = [];
  let cursor = from;
  const page = count + 20;
  while (runs.length < count) {
    const batch = await expanded({ op: "after", stored, from: cursor, count: page }, deadlineMs);
    for (const at of instants(batch, timeZone))
      if (at.getTime() > after.getTime() && !runs.some((r) => r.getTime() === at.getTime())) runs.push(at);
    if (batch.length < page) break;
    cursor = batch[batch.length - 1];
  }
  return runs.sort((a, b) => a.getTime() - b.getTime()).slice(0, count);
}

/** The next run strictly after `after`, or null when the rule has ended. */
export const nextRun = async (
  stored: string,
  timeZone: string,
  after: Date,
  deadlineMs?: number,
): Promise<Date | null> => (await nextRuns(stored, timeZone, after, 1, deadlineMs))[0] ?? null;

/** The latest run at or before `at` and after `since` (a missed run to fire late), or null. */
export async function latestRunBetween(
  stored: string,
  timeZone: string,
  since: Date,
  at: Date,
  deadlineMs?: number,
): Promise<Date | null> {
  const from = floatingOf(since, timeZone).getTime() - ZONE_SLACK_MS;
  const to = floatingOf(at, timeZone).getTime() + ZONE_SLACK_MS;
  // Only the last runs of the range are converted: a long gap of a dense rule may hold thousands.
  const last = instants(
    await expanded({ op: "last", stored, from, to, count: 100 }, deadlineMs),
    timeZone,
  ).filter((d) => d.getTime() >= since.getTime() && d.getTime() <= at.getTime());
  return last.at(-1) ?? null;
}

/** The rule's RRULE line without the stored start, for people to read ("FREQ=WEEKLY;BYDAY=MO"). */
export const ruleText = (stored: string) =>
  stored
    .split("\n")
    .find((l) => l.startsWith("RRULE:"))
    ?.slice(6) ?? stored;
