/**
 * Worst-case times of checking hostile recurrence rules (what the `schedule` tool does with a member's rule)
 * and of computing the next runs of the rules that pass. For each rule of the corpus: the outcome, p50 and
 * max over REPEAT runs, and the longest the main thread was blocked meanwhile (the expansion runs on the rule
 * thread: lib/schedules/rule-thread.ts). The thread is warmed up before each rule, so a restart after a
 * timeout is not counted against the next rule. No database needed.
 *
 *   npx tsx bench/rules.ts
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { nextRuns, normalizeRule } from "@/lib/schedules/rules";
import { stopRuleThread } from "@/lib/schedules/rule-thread";

const REPEAT = Number(process.env.REPEAT ?? 3);
const TIME_ZONE = "America/New_York";
// 09:00 in New York, an odd hour: every 2 hours from it never reaches 18:00.
const START = new Date("2026-12-07T14:00:00Z");

const list = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i).join(",");

const corpus: [group: string, rule: string][] = [
  ["endless", "FREQ=SECONDLY;INTERVAL=60;BYSECOND=30"],
  ["endless", "FREQ=HOURLY;INTERVAL=2;BYHOUR=18"],
  ["endless", "FREQ=MINUTELY;INTERVAL=30;BYMINUTE=15"],
  ["endless", "FREQ=SECONDLY;INTERVAL=7;BYHOUR=25"],
  ["no day", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"],
  ["no day", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"],
  ["no day", "FREQ=HOURLY;BYMONTH=4,6,9,11;BYMONTHDAY=31"],
  ["no day", "FREQ=DAILY;BYYEARDAY=366;BYMONTH=1"],
  ["no day", "FREQ=MINUTELY;INTERVAL=15;BYYEARDAY=366;BYMONTH=1"],
  ["no day", "FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6"],
  ["no day", "FREQ=WEEKLY;BYWEEKNO=53;BYMONTH=1;BYDAY=SU"],
  ["huge BY", `FREQ=SECONDLY;BYSECOND=${list(0, 59)}`],
  ["huge BY", `FREQ=HOURLY;BYMINUTE=${list(0, 59)}`],
  ["huge BY", `FREQ=YEARLY;BYMONTH=${list(1, 12)};BYMONTHDAY=${list(1, 31)};BYHOUR=${list(0, 23)}`],
  ["huge BY", `FREQ=YEARLY;BYYEARDAY=${list(1, 75)}`],
  ["huge BY", "FREQ=MINUTELY;INTERVAL=15;BYHOUR=" + list(0, 23)],
  ["BYSETPOS", `FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=${list(1, 31)},-1,-2,-3`],
  ["BYSETPOS", `FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=9;BYSETPOS=${list(1, 60)}`],
  ["BYSETPOS", "FREQ=DAILY;BYHOUR=1,2,3,4,5,6,7,8,9,10,11,12;BYMINUTE=0,30;BYSETPOS=-1"],
  ["BYSETPOS", "FREQ=HOURLY;BYMINUTE=0,1,2,3,4,5,6,7,8,9;BYSETPOS=1"],
  ["ordinal", "FREQ=YEARLY;BYDAY=53MO"],
  ["ordinal", "FREQ=MONTHLY;BYDAY=5FR;BYMONTH=2"],
  ["ordinal", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO"],
  ["COUNT/UNTIL", "FREQ=DAILY;COUNT=2147483647"],
  ["COUNT/UNTIL", "FREQ=MINUTELY;INTERVAL=15;COUNT=1"],
  ["COUNT/UNTIL", "FREQ=YEARLY;UNTIL=99991231T235959Z"],
  ["COUNT/UNTIL", "FREQ=DAILY;UNTIL=19700101T000000Z"],
  ["COUNT/UNTIL", "FREQ=YEARLY;INTERVAL=1000;COUNT=100000"],
  ["spacing", "FREQ=HOURLY;BYMINUTE=0,15,30,31,32"],
  ["spacing", "FREQ=MONTHLY;BYMONTHDAY=1,-1;BYHOUR=0,23;BYMINUTE=0,55"],
  ["spacing", "FREQ=SECONDLY;INTERVAL=899"],
  ["spacing", "FREQ=MINUTELY"],
  ["ordinary", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"],
  ["ordinary", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0"],
  ["ordinary", "FREQ=DAILY;BYHOUR=8,12,18;BYMINUTE=30"],
  ["ordinary", "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=18;BYMINUTE=0"],
  ["ordinary", "FREQ=MINUTELY;INTERVAL=15"],
];

const ms = (n: number) => `${n.toFixed(1)} ms`.padStart(10);
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value?: T; error?: Error }> {
  const started = performance.now();
  try {
    const value = await work();
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error: error as Error };
  }
}

async function main() {
  const rows: { group: string; check: number[]; next: number[]; blocked: number }[] = [];
  console.log(
    `${"rule".padEnd(64)} ${"check p50".padStart(10)} ${"check max".padStart(10)} ${"next10 p50".padStart(10)} ${"next10 max".padStart(10)} ${"main max".padStart(10)}  outcome`,
  );
  for (const [group, rule] of corpus) {
    await normalizeRule("FREQ=DAILY", START, TIME_ZONE); // the thread is up (it may have been stopped)
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const check: number[] = [];
    const next: number[] = [];
    let outcome = "";
    for (let i = 0; i < REPEAT; i++) {
      const r = await timed(() => normalizeRule(rule, START, TIME_ZONE));
      check.push(r.ms);
      outcome = r.error ? `refused: ${r.error.message}` : "accepted";
      if (r.value) {
        const stored = r.value;
        const n = await timed(() =>
          nextRuns(stored, TIME_ZONE, new Date(START.getTime() + 30 * 86_400_000), 10),
        );
        next.push(n.ms);
      } else await normalizeRule("FREQ=DAILY", START, TIME_ZONE); // a timed-out thread restarts here
    }
    loop.disable();
    const blocked = loop.max / 1e6;
    rows.push({ group, check, next, blocked });
    console.log(
      `${rule.slice(0, 64).padEnd(64)} ${ms(p50(check))} ${ms(Math.max(...check))} ${next.length ? ms(p50(next)) : "-".padStart(10)} ${next.length ? ms(Math.max(...next)) : "-".padStart(10)} ${ms(blocked)}  ${outcome.slice(0, 90)}`,
    );
  }
  console.log("\nworst case per group (max over its rules and runs):");
  for (const group of [...new Set(rows.map((r) => r.group))]) {
    const of = rows.filter((r) => r.group === group);
    const worst = (f: (r: (typeof rows)[number]) => number[]) => Math.max(0, ...of.flatMap(f));
    console.log(
      `  ${group.padEnd(12)} check ${ms(worst((r) => r.check))}  next runs ${ms(worst((r) => r.next))}  main thread blocked ${ms(worst((r) => [r.blocked]))}`,
    );
  }
  const all = rows.flatMap((r) => r.check);
  console.log(
    `  ${"all".padEnd(12)} check ${ms(Math.max(...all))}  next runs ${ms(Math.max(0, ...rows.flatMap((r) => r.next)))}  main thread blocked ${ms(Math.max(...rows.map((r) => r.blocked)))}`,
  );
  await stopRuleThread();
}

await main();
