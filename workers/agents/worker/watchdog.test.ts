/**
 * The event-loop watchdog in real processes: a main thread that never yields
 * gets its process killed soon after the limit, with one log line on stderr;
 * a main thread that is only busy in bursts below the limit, or a process
 * frozen as a whole (SIGSTOP), is left alone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";

const WATCHDOG = path.join(import.meta.dirname, "watchdog.ts");
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** A node process that starts the watchdog with `limitMs`, says "ready", then runs `then`. */
function watched(limitMs: number, then: string) {
  const code = `
    import { startWatchdog } from ${JSON.stringify(WATCHDOG)};
    await startWatchdog({ limitMs: ${limitMs}, fields: { name: "agents", workerId: "w-1" }, onError: (e) => { throw e; } });
    console.log("ready");
    ${then}`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const lines = readline.createInterface({ input: child.stdout! });
  const said = (line: string) =>
    new Promise<number>((r) => lines.on("line", (l) => l === line && r(Date.now())));
  const exit = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, said, exit, stderr: () => stderr };
}

describe("event-loop watchdog", () => {
  it("kills a process whose main thread is blocked past the limit, after one line on stderr", async () => {
    const w = watched(1_000, `setTimeout(() => { console.log("blocking"); for (;;) {} }, 50);`);
    const blockedAt = await w.said("blocking");
    const { code, signal, at } = await w.exit;
    expect({ code, signal }).toEqual({ code: null, signal: "SIGKILL" });
    // At the limit (counted from the last beat the watchdog saw, up to a check, 250 ms, off the block's
    // start), and not much later (a busy machine).
    expect(at - blockedAt).toBeGreaterThanOrEqual(750);
    expect(at - blockedAt).toBeLessThan(5_000);
    const lines = w.stderr().trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ level: 60, name: "agents", workerId: "w-1", limitMs: 1_000 });
    expect(line.blockedMs).toBeGreaterThanOrEqual(1_000);
    expect(line.msg).toMatch(
      /^event loop blocked for \d+\.\d s \(limit 1\.0 s\): killing the worker so that it is restarted$/,
    );
  });

  it("leaves alone a main thread busy only in bursts below the limit", async () => {
    const w = watched(
      1_000,
      `let bursts = 0;
      const burst = () => {
        const until = Date.now() + 300;
        while (Date.now() < until);
        if (++bursts < 10) setTimeout(burst, 20);
        else process.exit(0);
      };
      burst();`,
    );
    expect(await w.exit).toMatchObject({ code: 0, signal: null });
    expect(w.stderr()).toBe("");
  });

  it("takes a process frozen as a whole (SIGSTOP, a suspended machine) for no hang", async () => {
    // Frozen in the middle of a CPU burst below the limit: when it is continued, its main thread beats
    // only once the burst is over, later than the watchdog's first look. The limit is five times the
    // burst: on a loaded machine 400 ms of running took over a second, which is a hang to a 1 s watchdog.
    const w = watched(
      2_000,
      `process.stdin.once("data", () => {
        console.log("bursting");
        // 400 ms of running: the time it was stopped (a jump of the clock) does not count.
        let ran = 0;
        for (let last = Date.now(); ran < 400; ) {
          const now = Date.now();
          if (now - last < 50) ran += now - last;
          last = now;
        }
        setTimeout(() => process.exit(0), 2_500);
      });`,
    );
    await w.said("ready");
    const bursting = w.said("bursting");
    w.child.stdin!.write("go\n");
    await bursting;
    w.child.kill("SIGSTOP");
    // The freeze itself is what is tested: twice the limit.
    await sleep(4_000);
    w.child.kill("SIGCONT");
    expect(await w.exit).toMatchObject({ code: 0, signal: null });
    expect(w.stderr()).toBe("");
  });
});
