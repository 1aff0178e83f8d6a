/**
 * A timeline of each answer's steps, for the benchmarks (bench/agents.ts): how long after the answer began
 * each step ended (taken in the ledger, the model asked, a tool call recorded, the text sent, ...). Off
 * unless a benchmark turns it on in its own process: then every answer carries its marks through its
 * awaits (AsyncLocalStorage) and leaves them in `answerTimelines()`. Off, a mark is one flag check.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** One answer's steps: [step, ms since the answer began], in the order they happened. */
export type AnswerTimeline = [step: string, ms: number][];

const current = new AsyncLocalStorage<{ t0: number; marks: AnswerTimeline }>();
const finished: AnswerTimeline[] = [];
let enabled = false;
/** Timelines kept at most (the oldest are dropped): a benchmark takes them after every phase. */
const KEEP = 10_000;

/** Turns the timelines on in this process (a benchmark's). */
export function enableAnswerTimeline(): void {
  enabled = true;
}

/** Runs one answer, timing its steps when the timelines are on. */
export function timedAnswer<T>(answer: () => Promise<T>): Promise<T> {
  if (!enabled) return answer();
  const timeline = { t0: performance.now(), marks: [] as AnswerTimeline };
  return current.run(timeline, async () => {
    try {
      return await answer();
    } finally {
      // A message that was not to be answered (a vote, someone else's conversation) marked no step.
      if (timeline.marks.length > 0) {
        timeline.marks.push(["end", performance.now() - timeline.t0]);
        finished.push(timeline.marks);
        if (finished.length > KEEP) finished.shift();
      }
    }
  });
}

/** Marks the end of a step of the answer running now (nothing when the timelines are off). */
export function answerStep(step: string): void {
  if (!enabled) return;
  const timeline = current.getStore();
  timeline?.marks.push([step, performance.now() - timeline.t0]);
}

/** The timelines of the answers finished since the last call. */
export function takeAnswerTimelines(): AnswerTimeline[] {
  return finished.splice(0);
}
