/**
 * `npx tsx bench/cpu-by-process.ts <command> [args…]`: runs a command and prints the CPU time that every
 * process on the machine used meanwhile, by kind (test processes, Chromium by process type, worker
 * processes, PostgreSQL, the official CLI, the build and the static checks). `/usr/bin/time` misses
 * processes that are not waited for, such as Chromium's, and lumps the rest together.
 *
 * It reads /proc/<pid>/stat every half second and keeps each process's last reading, so a process that
 * lives under half a second is missed, and one's last half second is. Linux only.
 * Example: `npx tsx bench/cpu-by-process.ts npm test`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

const [command, ...args] = process.argv.slice(2);
if (!command) throw new Error("usage: bench/cpu-by-process.ts <command> [args…]");

// USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux this runs on.
const TICKS_PER_SECOND = 100;
const EVERY_MS = 500;

/** A process's kind, from its command line (or its name, for a kernel thread). */
function kindOf(cmdline: string, name: string): string {
  const c = cmdline.replaceAll("\0", " ");
  if (!c) return `kernel: ${name.replace(/[/:-].*$/, "")}`;
  const chromium = /chromium/.test(c) && !/node/.test(c.split(" ")[0]);
  if (chromium) {
    const type = /--type=(\S+)/.exec(c)?.[1] ?? "browser";
    const utility = /--utility-sub-type=(\S+)/.exec(c)?.[1];
    return `chromium ${type}${utility ? ` ${utility}` : ""}`;
  }
  const rules: [RegExp, string][] = [
    [/convos-cli/, "official Convos CLI"],
    [/workers\/agents\/main/, "worker process"],
    [/workers\/xmtp-node\/main/, "local XMTP node process"],
    [/postgres/, "PostgreSQL"],
    [/vitest\/dist\/workers|vitest.*forks/, "vitest test file process"],
    [/vitest/, "vitest main process"],
    [/playwright/, "Playwright"],
    [/next(-server| build| start| dev|\/dist)/, "Next.js"],
    [/\btsc\b/, "tsc"],
    [/eslint/, "eslint"],
    [/prettier/, "prettier"],
    [/scripts\/run\.ts/, "run command"],
  ];
  return rules.find(([re]) => re.test(c))?.[1] ?? `other: ${c.slice(0, 50)}`;
}

const seconds = new Map<string, { kind: string; cpu: number }>();
function sample() {
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      // Keyed by pid and start time, so a reused pid is another process.
      const key = `${pid}:${fields[19]}`;
      const known = seconds.get(key);
      if (known) known.cpu = cpu;
      else {
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        seconds.set(key, { kind: kindOf(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"), name), cpu });
      }
    } catch {
      // The process ended between the listing and the read.
    }
  }
}

// Processes that were running before the command count only what they use from now on.
sample();
const before = new Map([...seconds].map(([key, v]) => [key, v.cpu]));
const started = performance.now();
const timer = setInterval(sample, EVERY_MS);
const child = spawn(command, args, { stdio: "inherit" });
const code: number = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
clearInterval(timer);
sample();

const byKind = new Map<string, number>();
for (const [key, { kind, cpu }] of seconds)
  byKind.set(kind, (byKind.get(kind) ?? 0) + cpu - (before.get(key) ?? 0));
const rows = [...byKind].filter(([, s]) => s >= 0.5).sort((a, b) => b[1] - a[1]);
const total = rows.reduce((sum, [, s]) => sum + s, 0);
const wall = (performance.now() - started) / 1000;
console.log(`\nCPU by kind of process while it ran (${wall.toFixed(0)} s wall, ${os.cpus().length} cores):`);
for (const [kind, s] of rows)
  console.log(`${s.toFixed(1).padStart(8)} s  ${((100 * s) / total).toFixed(0).padStart(3)}%  ${kind}`);
console.log(`${total.toFixed(1).padStart(8)} s  in all (exit code ${code})`);
process.exit(code);
