/**
 * The pool sampler: every worker process runs one, and the database keeps one
 * sample per minute across all of them (see lib/pool/samples.ts). It ticks
 * several times a minute so a minute is sampled even when a tick is late.
 */
import type { Logger } from "pino";
import { recordPoolSample } from "@/lib/pool/samples";
import { repeat } from "./timers";

export interface SamplerOptions {
  /** How often to try (20 s): the first try of each minute writes its sample. */
  intervalMs?: number;
  retentionDays: number;
  log: Logger;
}

/** Starts sampling the pool into PostgreSQL; `close()` waits for a sample being written. */
export function startPoolSampler(o: SamplerOptions): { close(): Promise<void> } {
  const loop = repeat(
    o.intervalMs ?? 20_000,
    async () => {
      const { recorded, pruned } = await recordPoolSample({ retentionDays: o.retentionDays });
      if (pruned > 0) o.log.info({ pruned }, "pruned old pool samples");
      if (recorded) o.log.debug("pool sampled");
    },
    (err) => o.log.warn({ err }, "sampling the pool failed"),
    { jitter: 0.2 },
  );
  return { close: () => loop.close() };
}
