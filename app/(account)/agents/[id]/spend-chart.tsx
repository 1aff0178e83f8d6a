/**
 * The agent's tokens per day as bars: plain server-rendered SVG, no client JavaScript. The SVG is an image
 * with a title and a description summing it up, and the figures of every day follow as a table for screen
 * readers, so the chart reads without sight.
 */
import type { UsageDay } from "@/lib/agents/spend";
import { formatUsd } from "@/lib/llm/prices";

const WIDTH = 300;
const HEIGHT = 64;

const tokens = (n: number) => n.toLocaleString("en-US");

export function SpendChart({ days, priced }: { days: UsageDay[]; priced: boolean }) {
  const most = Math.max(1, ...days.map((d) => d.tokens));
  const total = days.reduce((sum, d) => sum + d.tokens, 0);
  const peak = days.reduce((a, d) => (d.tokens > a.tokens ? d : a), days[0]);
  const slot = WIDTH / days.length;
  const summary =
    total === 0
      ? `No tokens used in the last ${days.length} days.`
      : `${tokens(total)} tokens in the last ${days.length} days; the most, ${tokens(peak.tokens)}, on ${peak.day}.`;
  return (
    <figure className="flex flex-col gap-1" data-testid="spend-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="spend-chart-title spend-chart-desc"
        className="h-16 w-full max-w-md"
        preserveAspectRatio="none"
      >
        <title id="spend-chart-title">Tokens per day</title>
        <desc id="spend-chart-desc">{summary}</desc>
        <line x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="stroke-line" />
        {days.map((d, i) => {
          const h = d.tokens === 0 ? 0 : Math.max(1, (d.tokens / most) * (HEIGHT - 2));
          return (
            <rect
              key={d.day}
              x={i * slot + 1}
              y={HEIGHT - h}
              width={Math.max(1, slot - 2)}
              height={h}
              className="fill-accent"
            />
          );
        })}
      </svg>
      <figcaption className="text-xs text-ink-muted">
        Tokens per day (UTC), last {days.length} days: {summary}
      </figcaption>
      <table className="sr-only">
        <caption>Tokens per day, last {days.length} days</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Tokens</th>
            {priced ? <th scope="col">Cost</th> : null}
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{d.day}</th>
              <td>{tokens(d.tokens)}</td>
              {priced ? <td>{formatUsd(d.costMicros)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
