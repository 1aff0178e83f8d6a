/**
 * The arithmetic of a time-series line chart, apart from its markup: where each
 * value lands in the SVG's coordinates, which values join into a line (a null,
 * or a gap in time longer than `maxGapMs`, breaks it) and which stand alone
 * (drawn as dots). Values that are not finite count as missing, so no NaN ever
 * reaches the markup.
 */

export interface Frame {
  width: number;
  height: number;
  /** Room for the y labels on the left and the x labels at the bottom. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const FRAME: Frame = { width: 720, height: 160, left: 44, right: 8, top: 8, bottom: 22 };

export interface SeriesGeometry {
  /** One SVG path per unbroken run of two or more points. */
  paths: string[];
  /** Points with no neighbour to join. */
  dots: { x: number; y: number }[];
  /** How many values were drawn. */
  points: number;
}

/** The smallest of 1, 2, 5 × 10^k at or above `max`; 1 when there is nothing above zero. */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The y scale's top for these series (the largest finite value, rounded up to a nice number). */
export function yMaxOf(series: readonly (readonly (number | null)[])[]): number {
  let max = 0;
  for (const values of series)
    for (const v of values) if (v !== null && Number.isFinite(v) && v > max) max = v;
  return niceMax(max);
}

/** Places one series' values (at `times`) in the frame between `from` and `to`, 0..`yMax` upwards. */
export function seriesGeometry(o: {
  times: readonly Date[];
  values: readonly (number | null)[];
  from: Date;
  to: Date;
  yMax: number;
  maxGapMs?: number;
  frame?: Frame;
}): SeriesGeometry {
  const f = o.frame ?? FRAME;
  const span = o.to.getTime() - o.from.getTime();
  const plotWidth = f.width - f.left - f.right;
  const plotHeight = f.height - f.top - f.bottom;
  const yMax = o.yMax > 0 && Number.isFinite(o.yMax) ? o.yMax : 1;
  const maxGap = o.maxGapMs ?? Infinity;
  const x = (t: number) =>
    round(f.left + (span > 0 ? ((t - o.from.getTime()) / span) * plotWidth : plotWidth / 2));
  const y = (v: number) => round(f.top + plotHeight - (Math.min(v, yMax) / yMax) * plotHeight);

  const runs: { x: number; y: number }[][] = [];
  let run: { x: number; y: number }[] = [];
  let lastTime = -Infinity;
  let points = 0;
  o.times.forEach((time, i) => {
    const t = time.getTime();
    const v = o.values[i];
    const inside = Number.isFinite(t) && t >= o.from.getTime() && t <= o.to.getTime();
    if (!inside || v === null || v === undefined || !Number.isFinite(v)) {
      if (run.length > 0) runs.push(run);
      run = [];
      return;
    }
    if (t - lastTime > maxGap && run.length > 0) {
      runs.push(run);
      run = [];
    }
    run.push({ x: x(t), y: y(Math.max(0, v)) });
    lastTime = t;
    points++;
  });
  if (run.length > 0) runs.push(run);

  return {
    paths: runs
      .filter((r) => r.length > 1)
      .map((r) => r.map((p, i) => `${i === 0 ? "M" : "L"}${p.x} ${p.y}`).join(" ")),
    dots: runs.filter((r) => r.length === 1).map((r) => r[0]),
    points,
  };
}

export interface SeriesSummary {
  latest: number | null;
  min: number | null;
  max: number | null;
}

/** Latest, smallest and largest finite value: the chart's text equivalent. */
export function summarize(values: readonly (number | null)[]): SeriesSummary {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return { latest: null, min: null, max: null };
  return { latest: finite[finite.length - 1], min: Math.min(...finite), max: Math.max(...finite) };
}
