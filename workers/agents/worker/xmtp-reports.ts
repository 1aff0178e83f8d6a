/**
 * Live traffic's word on the XMTP network, beside the warm pool's (workers/agents/pool/warm-pool.ts): an
 * agent that went live or an answer sent says the network answered; an agent or a join failing on a
 * network error says it did not. Recorded on the worker's row (lib/workers/xmtp-reachability.ts), which
 * /api/health, /admin and an empty-pool claim read. A success is written at most once per `everyMs`, so
 * a busy worker writes no more often than it heartbeats; a failure is written each time (failures in a
 * row are what the rule counts). A write that fails is logged and dropped: the next event writes again.
 */
import type { Logger } from "pino";
import {
  isXmtpNetworkError,
  recordXmtpReached,
  recordXmtpUnreachable,
} from "@/lib/workers/xmtp-reachability";
import type { WorkerEvents } from "./events";

/** Subscribes to `events` and records what they say about XMTP on worker `workerId`'s row; `flush()` awaits the writes. */
export function reportXmtpReachability(
  events: WorkerEvents,
  workerId: string,
  log: Logger,
  everyMs = 10_000,
): { flush(): Promise<void> } {
  let lastReached = -Infinity;
  const pending = new Set<Promise<void>>();
  const write = (p: Promise<void>) => {
    const tracked = p.catch((err) => log.debug({ err }, "could not record XMTP reachability"));
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };
  const reached = () => {
    const now = performance.now();
    if (now - lastReached < everyMs) return;
    lastReached = now;
    write(recordXmtpReached(workerId));
  };
  const failed = (error: string) => {
    if (!isXmtpNetworkError(error)) return;
    lastReached = -Infinity; // the next success after a failure is news: written at once
    write(recordXmtpUnreachable(workerId, error));
  };
  events
    .on("agent:live", reached)
    .on("agent:answered", reached)
    .on("agent:failed", (e) => failed(e.error))
    .on("agent:join_failed", (e) => failed(e.reason));
  return {
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
