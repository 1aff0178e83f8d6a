/**
 * One part of the run command (a child process and everything it starts),
 * supervised: started, restarted after an unexpected exit, stopped on request.
 *
 * Each run of a part is its own process group (detached), and the whole group
 * is signalled: `npx`, `nice` and `tsx` put the real program in a grandchild
 * that a signal to the direct child would leave behind. For the same reason,
 * when the direct child exits on its own, what is left of its group is killed
 * before anything is started again: a surviving grandchild would otherwise
 * run twice (two workers, or a node that can't bind its port).
 *
 * Restart policy: capped exponential backoff (1 s, 2 s, 4 s … up to
 * `maxDelayMs`). A run that lasted `stableAfterMs` counts as healthy and the
 * next crash starts again from the first delay; a part that keeps crashing
 * soon after it starts is given up on after `maxTries` restarts in a row.
 * A part without a policy is never restarted: its exit is final.
 */
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

export interface RestartPolicy {
  /** Restarts in a row, each after a run shorter than `stableAfterMs`, before the part is given up on. */
  maxTries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** A run at least this long was healthy: the backoff and the tries start over. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxTries: 5,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
};

/** The wait before restart number `attempt` (1 for the first): doubles each time, never above the cap. */
export function restartDelay(policy: RestartPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** How a run ended, as the logs say it: "SIGKILL" or "code 1". */
export type ExitReason = string;

export interface PartSpec {
  name: string;
  command: string;
  args: string[];
  /** The environment of each run (called before every start, so a run can get its own values). */
  env: () => NodeJS.ProcessEnv;
  /** Restarted after an unexpected exit when set; otherwise an exit is final. */
  restart?: RestartPolicy;
}

export interface RestartInfo {
  name: string;
  exit: ExitReason;
  /** 1 for the first restart in a row. */
  attempt: number;
  delayMs: number;
}

export interface PartHooks {
  /** A run started. */
  onStart?(name: string, pid: number | undefined): void;
  /**
   * An unexpected exit that will be followed by a restart. The restart waits
   * for the backoff delay and for this hook (bounded by `hookTimeoutMs`), so
   * it can clean up after the dead run first.
   */
  onRestart?(info: RestartInfo): Promise<void> | void;
  /** An unexpected exit that is final: no restart policy (`gaveUp` false), or the tries are used up. */
  onFailed?(info: { name: string; exit: ExitReason; gaveUp: boolean; tries: number }): void;
  /** Errors of onRestart, which never stop the restart. */
  onHookError?(name: string, err: unknown): void;
}

export interface SupervisedPart {
  readonly name: string;
  /** The direct child of the current run, if one is running. */
  readonly pid: number | undefined;
  /** Restarts since the part was created. */
  readonly restarts: number;
  /** Starts a run (again, after stop(); during a stop, once it is done); a no-op while one runs. */
  start(): void;
  /** Stops the current run with `signal`, then SIGKILL after `killAfterMs`; cancels a pending restart. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<void>;
  /** SIGKILL to the current run's whole group, now. */
  kill(): void;
}

const HOOK_TIMEOUT_MS = 10_000;

/** Runs `spec` under its restart policy; call start() to begin. */
export function supervise(spec: PartSpec, hooks: PartHooks = {}): SupervisedPart {
  let child: ChildProcess | undefined;
  let startedAt = 0;
  let tries = 0;
  let restarts = 0;
  let wanted = false;
  /** Runs that stop() ended: their exit is no crash. */
  const stoppedOnPurpose = new WeakSet<ChildProcess>();
  let pendingRestart: NodeJS.Timeout | undefined;

  const run = () => {
    pendingRestart = undefined;
    if (!wanted || child) return;
    const current = spawn(spec.command, spec.args, { stdio: "inherit", env: spec.env(), detached: true });
    child = current;
    startedAt = Date.now();
    let ended = false;
    const end = (exit: ExitReason) => {
      if (ended) return;
      ended = true;
      void onExit(current, exit);
    };
    // A command that can't be spawned at all reports "error" and may never report "exit".
    current.on("error", (err) => current.pid === undefined && end(err.message));
    current.on("exit", (code, signal) => end(describeExit(code, signal)));
    hooks.onStart?.(spec.name, current.pid);
  };

  const onExit = async (ended: ChildProcess, exit: ExitReason) => {
    signalGroup(ended, "SIGKILL");
    await groupGone(ended);
    if (child === ended) child = undefined;
    if (stoppedOnPurpose.has(ended) || !wanted) {
      if (wanted && !child) run(); // start() was called while stop() was under way
      return;
    }
    const policy = spec.restart;
    if (!policy) {
      wanted = false;
      hooks.onFailed?.({ name: spec.name, exit, gaveUp: false, tries: 0 });
      return;
    }
    if (Date.now() - startedAt >= policy.stableAfterMs) tries = 0;
    if (tries >= policy.maxTries) {
      wanted = false;
      hooks.onFailed?.({ name: spec.name, exit, gaveUp: true, tries });
      return;
    }
    tries += 1;
    restarts += 1;
    const delayMs = restartDelay(policy, tries);
    const cleanup = Promise.resolve()
      .then(() => hooks.onRestart?.({ name: spec.name, exit, attempt: tries, delayMs }))
      .catch((err) => hooks.onHookError?.(spec.name, err));
    await Promise.all([sleep(delayMs), Promise.race([cleanup, sleep(HOOK_TIMEOUT_MS)])]);
    if (wanted && !child && !pendingRestart) pendingRestart = setTimeout(run, 0);
  };

  return {
    name: spec.name,
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    start() {
      wanted = true;
      if (!child && !pendingRestart) run();
    },
    async stop(signal = "SIGTERM", killAfterMs = 10_000) {
      wanted = false;
      clearTimeout(pendingRestart);
      pendingRestart = undefined;
      const current = child;
      if (!current) return;
      stoppedOnPurpose.add(current);
      signalGroup(current, signal);
      const timer = setTimeout(() => signalGroup(current, "SIGKILL"), killAfterMs);
      await groupGone(current);
      clearTimeout(timer);
      if (child === current) child = undefined;
      if (wanted && !child && !pendingRestart) run(); // start() was called while this stop was under way
    },
    kill() {
      if (child) signalGroup(child, "SIGKILL");
    },
  };
}

/** tsx and sh report a child killed by a signal as exit code 128 + n: name the signal too. */
function describeExit(code: number | null, signal: NodeJS.Signals | null): ExitReason {
  if (signal) return signal;
  const killedBy =
    code !== null && code > 128
      ? Object.entries(os.constants.signals).find(([, n]) => n === code - 128)?.[0]
      : undefined;
  return killedBy ? `code ${code} (${killedBy})` : `code ${code}`;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Resolves once no process of the child's group is left. */
async function groupGone(child: ChildProcess): Promise<void> {
  for (;;) {
    try {
      if (!child.pid) return;
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
}
