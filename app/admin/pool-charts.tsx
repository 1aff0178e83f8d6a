/**
 * /admin's pool over time: identities per status, claim latency and answers per
 * minute over the last 24 hours (from the PoolSample rows the workers write once
 * a minute).
 */
import { LineChart } from "./line-chart";
import { poolSamplesSince } from "@/lib/pool/samples";

const DAY_MS = 24 * 3_600_000;
/** Samples come once a minute; a longer silence (no worker running) breaks the lines. */
const MAX_GAP_MS = 3 * 60_000;

export async function PoolCharts({ card, heading }: { card: string; heading: string }) {
  const to = new Date();
  const from = new Date(to.getTime() - DAY_MS);
  const samples = await poolSamplesSince(from);
  const times = samples.map((s) => s.minute);
  const common = { times, from, to, maxGapMs: MAX_GAP_MS };
  return (
    <section aria-labelledby="history-title" className={card}>
      <h2 id="history-title" className={heading}>
        The pool over the last 24 hours
      </h2>
      <p className="mb-4 text-sm text-ink-muted">
        One sample a minute ({samples.length} so far in this window). Claims and answers count the minute
        before each sample.
      </p>
      <div className="flex flex-col gap-8">
        <LineChart
          id="chart-identities"
          title="Identities: idle, claimed, live"
          {...common}
          series={[
            { name: "idle", tone: "muted", values: samples.map((s) => s.idle) },
            { name: "claimed", tone: "danger", values: samples.map((s) => s.claimed) },
            { name: "live", tone: "accent", values: samples.map((s) => s.live) },
          ]}
        />
        <LineChart
          id="chart-latency"
          title="Claim latency, p50 and p95"
          unit="ms"
          {...common}
          series={[
            { name: "p50", tone: "accent", values: samples.map((s) => s.claimP50Ms) },
            { name: "p95", tone: "danger", values: samples.map((s) => s.claimP95Ms) },
          ]}
        />
        <LineChart
          id="chart-answers"
          title="Answers per minute"
          {...common}
          series={[{ name: "answers", tone: "success", values: samples.map((s) => s.answers) }]}
        />
      </div>
    </section>
  );
}
