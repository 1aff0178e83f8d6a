/**
 * A server-rendered line chart over time: plain SVG, no client JavaScript. The
 * SVG is an image with a <title> and a <desc> summing it up, and the same
 * figures follow as a table (latest, lowest, highest per series), so the chart
 * reads without sight and without JavaScript.
 */
import { FRAME, seriesGeometry, summarize, yMaxOf } from "./chart-geometry";

/** Colours from the design tokens, spelled out so Tailwind sees each class. */
const TONES = {
  accent: { stroke: "stroke-accent", fill: "fill-accent", swatch: "bg-accent" },
  success: { stroke: "stroke-success", fill: "fill-success", swatch: "bg-success" },
  muted: { stroke: "stroke-ink-muted", fill: "fill-ink-muted", swatch: "bg-ink-muted" },
  danger: { stroke: "stroke-danger", fill: "fill-danger", swatch: "bg-danger" },
} as const;

/** Dashes tell series apart without colour. */
const DASHES = [undefined, "6 3", "2 3", "8 3 2 3"];

export interface ChartSeries {
  name: string;
  values: (number | null)[];
  tone: keyof typeof TONES;
}

export interface LineChartProps {
  /** Unique on the page: the SVG's title and description are referenced by id. */
  id: string;
  title: string;
  /** The time of each value, shared by every series. */
  times: Date[];
  from: Date;
  to: Date;
  series: ChartSeries[];
  /** Appended to figures ("ms"); none by default. */
  unit?: string;
  /** A longer gap between two samples breaks the line instead of bridging it. */
  maxGapMs?: number;
}

function figure(v: number | null, unit = ""): string {
  if (v === null) return "–";
  const n = Math.abs(v) >= 10 || Number.isInteger(v) ? Math.round(v) : Math.round(v * 10) / 10;
  return unit ? `${n} ${unit}` : String(n);
}

/** "−18 h" … "now": labels relative to the end, so they need no time zone. */
function xTicks(from: Date, to: Date): { at: number; label: string }[] {
  const span = to.getTime() - from.getTime();
  if (!(span > 0)) return [];
  return [0, 0.25, 0.5, 0.75, 1].map((q) => {
    const hoursAgo = Math.round(((1 - q) * span) / 3_600_000);
    return {
      at: FRAME.left + q * (FRAME.width - FRAME.left - FRAME.right),
      label: q === 1 ? "now" : `−${hoursAgo} h`,
    };
  });
}

export function LineChart({ id, title, times, from, to, series, unit, maxGapMs }: LineChartProps) {
  const yMax = yMaxOf(series.map((s) => s.values));
  const drawn = series.map((s) => ({
    ...s,
    geometry: seriesGeometry({ times, values: s.values, from, to, yMax, maxGapMs }),
    summary: summarize(s.values),
  }));
  const empty = drawn.every((s) => s.geometry.points === 0);
  const description = empty
    ? "No samples in this period yet."
    : drawn
        .map(
          (s) =>
            `${s.name}: latest ${figure(s.summary.latest, unit)}, lowest ${figure(s.summary.min, unit)}, highest ${figure(s.summary.max, unit)}`,
        )
        .join("; ") + ".";
  const plotBottom = FRAME.height - FRAME.bottom;
  const plotHeight = plotBottom - FRAME.top;
  const gridLines = [0, 0.5, 1].map((q) => ({ y: plotBottom - q * plotHeight, value: q * yMax }));

  return (
    <figure className="flex flex-col gap-2" data-testid={id}>
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <svg
        viewBox={`0 0 ${FRAME.width} ${FRAME.height}`}
        className="h-auto w-full"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {gridLines.map((g) => (
          <g key={g.y}>
            <line x1={FRAME.left} x2={FRAME.width - FRAME.right} y1={g.y} y2={g.y} className="stroke-line" />
            <text x={FRAME.left - 4} y={g.y + 4} textAnchor="end" className="fill-ink-muted text-[10px]">
              {figure(g.value)}
            </text>
          </g>
        ))}
        {xTicks(from, to).map((t) => (
          <text
            key={t.label}
            x={t.at}
            y={FRAME.height - 6}
            textAnchor={t.label === "now" ? "end" : t.at === FRAME.left ? "start" : "middle"}
            className="fill-ink-muted text-[10px]"
          >
            {t.label}
          </text>
        ))}
        {empty ? (
          <text
            x={FRAME.width / 2}
            y={FRAME.top + plotHeight / 2}
            textAnchor="middle"
            className="fill-ink-muted text-xs"
          >
            No samples yet
          </text>
        ) : null}
        {drawn.map((s, i) => (
          <g
            key={s.name}
            data-series={s.name}
            data-points={s.geometry.points}
            className={TONES[s.tone].stroke}
            fill="none"
            strokeWidth={1.5}
            strokeDasharray={DASHES[i % DASHES.length]}
          >
            {s.geometry.paths.map((d, j) => (
              <path key={j} d={d} />
            ))}
            {s.geometry.dots.map((p, j) => (
              <circle key={j} cx={p.x} cy={p.y} r={2.5} className={TONES[s.tone].fill} />
            ))}
          </g>
        ))}
      </svg>
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-ink-muted">
            <th scope="col">Series</th>
            <th scope="col">Latest</th>
            <th scope="col">Lowest</th>
            <th scope="col">Highest</th>
          </tr>
        </thead>
        <tbody>
          {drawn.map((s) => (
            <tr key={s.name}>
              <th scope="row" className="text-left font-normal">
                <span
                  aria-hidden="true"
                  className={`mr-2 inline-block h-2 w-3 rounded-sm align-middle ${TONES[s.tone].swatch}`}
                />
                {s.name}
              </th>
              <td>{figure(s.summary.latest, unit)}</td>
              <td>{figure(s.summary.min, unit)}</td>
              <td>{figure(s.summary.max, unit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
