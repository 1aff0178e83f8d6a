/**
 * Recurrence rules are expanded on a worker thread, under a deadline, never on the caller's thread.
 *
 * rrule 2.8.1 loops for ever on rules whose filters its step can never reach: `after()` never returns for
 * FREQ=SECONDLY;INTERVAL=60;BYSECOND=30 from second 0, nor for FREQ=HOURLY;INTERVAL=2;BYHOUR=18 from an odd
 * hour (its DateTime.addHours/addMinutes/addSeconds search with no bound), and it walks day by day to the year
 * 9999 when no day can match (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30: minutes). rules.ts refuses the families it
 * can recognise up front; this is the guarantee for everything else. Each request gets RULE_DEADLINE_MS; past
 * it the thread is terminated (which stops even a loop that never yields), the request fails with a
 * RuleTimeout, and the next request starts a fresh thread.
 *
 * Measured before choosing this over another library (bench/rules.ts has the corpus): rrule-rust 3.1.1 and
 * rrule-temporal 2.2.8 both end these rules through an iteration cap, but only after 1.3 s (rrule-rust,
 * FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30) and 8.5 s (rrule-temporal, same rule) of the calling thread, which a
 * member could ask for again with every message; neither cap is a deadline.
 *
 * The thread is a deadline pool of one (lib/threads/deadline-pool.ts): requests run one at a time, in order;
 * the thread holds the process open only while one is in flight, and ends after RULE_IDLE_MS without one. Its
 * code is plain JavaScript evaluated by the Worker (no loader: it starts the same under tsx, node or vitest)
 * and loads only rrule, whose path is resolved here.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { DeadlineExceeded } from "@/lib/deadlines";
import { DeadlinePool } from "@/lib/threads/deadline-pool";

/** The longest one expansion may take. Ordinary rules take well under a millisecond (bench/rules.ts). */
export const RULE_DEADLINE_MS = 1_000;

/** The most runs one request returns. */
export const MAX_RUNS_PER_REQUEST = 2_000;

/** An expansion did not finish within its deadline (the thread was stopped). */
export class RuleTimeout extends Error {
  constructor(ms: number) {
    super(`the rule took longer than ${ms} ms to compute`);
    this.name = "RuleTimeout";
  }
}

/**
 * What the thread computes, on floating (wall-clock) times in milliseconds; `stored` is "DTSTART:…\nRRULE:…".
 *   after    up to `count` runs strictly after `from`
 *   first    the first `count` runs with from <= run <= to
 *   last     the last `count` runs with from <= run <= to
 */
export type RuleRequest =
  | { op: "after"; stored: string; from: number; count: number }
  | { op: "first" | "last"; stored: string; from: number; to: number; count: number };

const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const rrule = require(workerData.rrulePath);
const RRule = (rrule.default || rrule).RRule;
const cache = new Map();
const END_OF_TIME = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));
function parsed(stored) {
  let r = cache.get(stored);
  if (r) return r;
  const [start, body] = stored.split("\\n");
  const m = /^DTSTART:(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})(\\d{2})$/.exec(start);
  if (!m || !body || !body.startsWith("RRULE:")) throw new Error("a stored rule is malformed");
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  r = new RRule({ ...RRule.parseString(body.slice(6)), dtstart: new Date(Date.UTC(y, mo - 1, d, h, mi, s)) });
  if (cache.size > 5000) cache.clear();
  cache.set(stored, r);
  return r;
}
parentPort.on("message", (req) => {
  try {
    const rule = parsed(req.stored);
    const runs = [];
    if (req.op === "after") {
      // One walk from DTSTART (rrule starts every query there), not one per run: count calls of after() cost
      // count times as much, which grows with the schedule's age.
      const found = rule.between(new Date(req.from), END_OF_TIME, false, (_d, n) => n < req.count);
      for (const d of found) runs.push(d.getTime());
    } else if (req.op === "first") {
      const found = rule.between(new Date(req.from), new Date(req.to), true, (_d, n) => n < req.count);
      for (const d of found) runs.push(d.getTime());
    } else {
      const found = rule.between(new Date(req.from), new Date(req.to), true);
      for (const d of found.slice(-req.count)) runs.push(d.getTime());
    }
    parentPort.postMessage({ result: runs });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

/** A fresh thread gets this long on top of the deadline to start (loading rrule). */
const START_MS = 2_000;
/** An idle rule thread ends after this long; the next request starts another (and parses its rules again). */
const RULE_IDLE_MS = 60_000;

const pool = new DeadlinePool<number[]>({
  threads: 1,
  idleMs: RULE_IDLE_MS,
  startMs: START_MS,
  start: () =>
    new Worker(THREAD, {
      eval: true,
      workerData: { rrulePath: createRequire(import.meta.url).resolve("rrule") },
      // Not the process's preloads (tsx, a test's): the thread needs nothing but rrule.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
    }),
});

/**
 * Expands a stored rule on the rule thread: resolves with floating times (ms), rejects with RuleTimeout past
 * `deadlineMs` or with the library's error. Requests run one after another.
 */
export async function expandRule(req: RuleRequest, deadlineMs = RULE_DEADLINE_MS): Promise<number[]> {
  try {
    return await pool.run({ ...req, count: Math.min(req.count, MAX_RUNS_PER_REQUEST) }, deadlineMs);
  } catch (error) {
    throw error instanceof DeadlineExceeded ? new RuleTimeout(deadlineMs) : error;
  }
}

/** Stops the rule thread once the requests already queued are answered (a later request starts another). */
export function stopRuleThread(): Promise<void> {
  return pool.close();
}
