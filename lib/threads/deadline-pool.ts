/**
 * CPU work on a stranger's input (a recurrence rule, a web page) runs here: on worker threads, each task
 * under a deadline, never on the caller's thread. Synchronous code can't be interrupted from inside, so at
 * the deadline its thread is terminated (which stops even a loop that never yields) and the next task gets
 * a fresh one.
 *
 * - At most `threads` threads; tasks beyond them wait their turn in order, and a task's deadline starts when a
 *   thread takes it. With one thread, tasks run one at a time, in the order they came.
 * - A thread just started gets `startMs` on top of its first deadline (loading its libraries). A thread that
 *   says when it has loaded them (`announcesReady`: it posts `{ ready: true }`) has `startMs` to load, and
 *   its first task's deadline starts when it is ready: on a busy machine loading took longer than the
 *   deadline of a page, and the page was refused before the parser had seen it.
 * - A thread idle for `idleMs` ends; a thread holds the process open only while it works on a task.
 * - A thread may post a partial result before its result: when the thread is stopped (deadline, error, exit)
 *   after one, the task resolves with it instead of failing.
 *
 * The thread's side: for each message posted to it (a task's input), it posts `{ partial }` any number of
 * times, then `{ result }` or `{ error }` once (ThreadReply); with `announcesReady`, `{ ready: true }` once
 * when it has started.
 */
import type { Worker } from "node:worker_threads";
import { DeadlineExceeded } from "@/lib/deadlines";

/** The thread reported that the task failed (its `{ error }`); the thread stays up. */
export class TaskFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskFailed";
  }
}

/** The thread exited while on the task. */
export class ThreadExited extends Error {
  constructor() {
    super("the thread exited");
    this.name = "ThreadExited";
  }
}

/** What a thread posts for a task. */
export type ThreadReply<T> = { partial: T } | { result: T } | { error: string } | { ready: true };

export interface DeadlinePoolOptions {
  /** Starts one thread (`execArgv: []` unless it needs its parent's loaders). */
  start: () => Worker;
  /** Threads at most. */
  threads: number;
  /** An idle thread ends after this long. */
  idleMs: number;
  /** Added to the deadline of a thread's first task; with `announcesReady`, the time it has to load. */
  startMs?: number;
  /** The thread posts `{ ready: true }` once loaded; its first task's deadline starts then. */
  announcesReady?: boolean;
}

interface Task<T> {
  input: unknown;
  deadlineMs: number;
  resolve: (result: T) => void;
  reject: (error: Error) => void;
}

/** One thread and the task it is on; tells the pool when it is free again or gone. */
class PoolThread<T> {
  private readonly worker: Worker;
  private fresh = true;
  private ready: boolean;
  private task?: Task<T>;
  private partial?: { value: T };
  private deadline?: NodeJS.Timeout;
  private idle?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly o: DeadlinePoolOptions,
    private readonly free: (t: PoolThread<T>) => void,
    private readonly gone: (t: PoolThread<T>) => void,
  ) {
    this.ready = !o.announcesReady;
    this.worker = o.start();
    this.worker.unref();
    this.worker.on("message", (r: ThreadReply<T>) => this.reply(r));
    this.worker.on("error", (e: Error) => this.stop(e));
    this.worker.on("exit", () => this.stop(new ThreadExited()));
  }

  run(task: Task<T>) {
    clearTimeout(this.idle);
    this.task = task;
    this.partial = undefined;
    const allowance = this.fresh ? (this.o.startMs ?? 0) : 0;
    this.fresh = false;
    if (this.ready) this.arm(task, task.deadlineMs + allowance);
    else
      this.deadline = setTimeout(
        () =>
          this.stop(new DeadlineExceeded(`the thread did not start within ${allowance} ms`, task.deadlineMs)),
        allowance,
      );
    this.worker.ref(); // an awaited task keeps the process alive; an idle thread doesn't
    this.worker.postMessage(task.input);
  }

  /** Stops the thread `ms` from now unless the task is done by then. */
  private arm(task: Task<T>, ms: number) {
    clearTimeout(this.deadline);
    this.deadline = setTimeout(
      // A task past its deadline is DeadlineExceeded like any other bounded wait; its thread is terminated.
      () =>
        this.stop(new DeadlineExceeded(`the work took longer than ${task.deadlineMs} ms`, task.deadlineMs)),
      ms,
    );
  }

  private reply(r: ThreadReply<T>) {
    if ("ready" in r) {
      this.ready = true;
      if (this.task) this.arm(this.task, this.task.deadlineMs);
      return;
    }
    const task = this.task;
    if (!task) return;
    if ("partial" in r) {
      this.partial = { value: r.partial };
      return;
    }
    clearTimeout(this.deadline);
    this.task = undefined;
    this.partial = undefined;
    this.worker.unref();
    if ("result" in r) task.resolve(r.result);
    else task.reject(new TaskFailed(r.error));
    this.idle = setTimeout(() => void this.end(), this.o.idleMs).unref();
    this.free(this);
  }

  /** Ends the thread; a task it was on gets its partial result when there is one, else `cause`. */
  private stop(cause: Error) {
    clearTimeout(this.deadline);
    clearTimeout(this.idle);
    const task = this.task;
    this.task = undefined;
    if (task) {
      if (this.partial) task.resolve(this.partial.value);
      else task.reject(cause);
    }
    void this.end();
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idle);
    this.gone(this);
    await this.worker.terminate();
  }
}

/** Worker threads that run tasks under a deadline (see the module comment). */
export class DeadlinePool<T> {
  private readonly all = new Set<PoolThread<T>>();
  private readonly idle: PoolThread<T>[] = [];
  private readonly waiting: Task<T>[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly o: DeadlinePoolOptions) {}

  /**
   * Posts `input` to a thread: resolves with its result (or its partial result when stopped after one);
   * rejects with DeadlineExceeded past `deadlineMs` of running, TaskFailed, ThreadExited or the thread's error.
   */
  run(input: unknown, deadlineMs: number): Promise<T> {
    const done = new Promise<T>((resolve, reject) => {
      this.waiting.push({ input, deadlineMs, resolve, reject });
      this.dispatch();
    });
    const settled: Promise<boolean> = done.then(
      () => this.pending.delete(settled),
      () => this.pending.delete(settled),
    );
    this.pending.add(settled);
    return done;
  }

  /** Threads alive now (working or idle). */
  get threadCount(): number {
    return this.all.size;
  }

  /** Ends every thread once no task is waiting or running (a later task starts another). */
  async close(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await Promise.all([...this.all].map((t) => t.end()));
  }

  private dispatch() {
    while (this.waiting.length > 0) {
      let thread = this.idle.pop();
      if (!thread && this.all.size < this.o.threads) {
        thread = new PoolThread<T>(
          this.o,
          (t) => {
            this.idle.push(t);
            this.dispatch();
          },
          (t) => this.remove(t),
        );
        this.all.add(thread);
      }
      if (!thread) return;
      thread.run(this.waiting.shift()!);
    }
  }

  private remove(t: PoolThread<T>) {
    this.all.delete(t);
    const i = this.idle.indexOf(t);
    if (i >= 0) this.idle.splice(i, 1);
    this.dispatch();
  }
}
