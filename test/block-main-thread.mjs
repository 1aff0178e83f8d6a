/**
 * Preloaded by a test into a worker process (NODE_OPTIONS=--import): once the
 * file named by BLOCK_MAIN_THREAD_AFTER exists, the main thread of the process
 * running workers/agents/main.ts spins for ever, as a library loop on a
 * hostile input would. It first writes `<file>.blocked` (its pid), so the test
 * knows when. Other processes that get NODE_OPTIONS too (tsx's launcher) and
 * worker threads are left alone.
 */
import fs from "node:fs";
import { isMainThread } from "node:worker_threads";

const trigger = process.env.BLOCK_MAIN_THREAD_AFTER;
if (trigger && isMainThread && process.argv[1]?.endsWith("workers/agents/main.ts")) {
  const timer = setInterval(() => {
    if (!fs.existsSync(trigger)) return;
    clearInterval(timer);
    fs.rmSync(trigger);
    fs.writeFileSync(`${trigger}.blocked`, String(process.pid));
    for (;;);
  }, 50);
  timer.unref();
}
