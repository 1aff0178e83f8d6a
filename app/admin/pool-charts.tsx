/**
 * /admin's pool over time: identities per status, claim latency and answers per
 * minute over the last 24 hours (from the PoolSample rows the workers write once
 * a minute), and what each running worker carries now.
 */
import { LineChart } from "./line-chart";
import { poolSamplesSince } from "@/lib/pool/samples";
import { workerLoad } from "@/lib/pool/worker-load";

const DAY_MS = 24 * 3_600_000;
/** Samples come once a minute; a longer silence (no worker running) breaks the lines. */
const MAX_GAP_MS = 3 * 60_000;
/** As on the rest of the page: a worker that heartbeated this recently is up. */
const WORKER_FRESH_MS = 30_000;

function megabytes(bytes: number | null): string {
  return bytes === null ? "–" : `${Math.round(bytes / (1024 * 1024))} MB`;
}

function ago(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s ago` : `${Math.round(ms / 60_000)} min ago`;
}

export async function PoolCharts({ card, heading }: { card: string; heading: string }) {
  const to = new Date();
  const from = new Date(to.getTime() - DAY_MS);
  const [samples, workers] = await Promise.all([poolSamplesSince(from), workerLoad(to)]);
  const times = samples.map((s) => s.minute);
  const common = { times, from, to, maxGapMs: MAX_GAP_MS };
  return (
    <>
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

      <section aria-labelledby="worker-load-title" className={card}>
        <h2 id="worker-load-title" className={heading}>
          Load per worker
        </h2>
        {workers.length === 0 ? (
          <p className="text-sm text-ink-muted">No worker is running.</p>
        ) : (
          <table className="w-full text-sm" data-testid="worker-load">
            <thead>
              <tr className="text-left text-ink-muted">
                <th scope="col">Worker</th>
                <th scope="col">Host</th>
                <th scope="col">Agents held</th>
                <th scope="col">Memory (RSS)</th>
                <th scope="col">Heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id}>
                  <td className="font-mono">{w.id.slice(0, 12)}</td>
                  <td>{w.host}</td>
                  <td>{w.agents}</td>
                  <td>{megabytes(w.rssBytes)}</td>
                  <td className={w.heartbeatAgeMs > WORKER_FRESH_MS ? "text-danger" : ""}>
                    {ago(w.heartbeatAgeMs)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
