/** The chart as markup: rendered to a string the way the server sends it. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FRAME, niceMax, seriesGeometry, summarize } from "./chart-geometry";
import { LineChart, type LineChartProps } from "./line-chart";

const from = new Date("2026-11-30T00:00:00Z");
const to = new Date("2026-11-30T01:00:00Z");
const at = (minutes: number) => new Date(from.getTime() + minutes * 60_000);

function render(props: Partial<LineChartProps> & Pick<LineChartProps, "times" | "series">): string {
  return renderToStaticMarkup(createElement(LineChart, { id: "c", title: "Identities", from, to, ...props }));
}

const paths = (html: string) => [...html.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);
const circles = (html: string) => [...html.matchAll(/<circle /g)].length;

describe("the line chart", () => {
  it("draws a path per series through every point, inside the frame, with a title, description and table", () => {
    const html = render({
      times: [at(0), at(30), at(60)],
      series: [
        { name: "idle", tone: "muted", values: [1, 4, 2] },
        { name: "live", tone: "accent", values: [0, 8, 10] },
      ],
    });
    const [idle, live] = paths(html);
    expect(idle.split(/[ML]/).filter(Boolean)).toHaveLength(3);
    // 0 at the first minute is the plot's bottom left; 10, the top of a 0..10 scale, at the last is its top right.
    expect(live.startsWith(`M${FRAME.left} ${FRAME.height - FRAME.bottom} L`)).toBe(true);
    expect(live.endsWith(`L${FRAME.width - FRAME.right} ${FRAME.top}`)).toBe(true);
    expect(html).toContain('data-series="live" data-points="3"');
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-labelledby="c-title c-desc"');
    expect(html).toContain('<title id="c-title">Identities</title>');
    expect(html).toContain("live: latest 10, lowest 0, highest 10");
    expect(html).toMatch(/<th scope="row"[^>]*>.*idle<\/th><td>2<\/td><td>1<\/td><td>4<\/td>/);
    expect(html).not.toContain("NaN");
  });

  it("says there is nothing yet for empty data, with no path and no NaN", () => {
    const html = render({ times: [], series: [{ name: "answers", tone: "success", values: [] }] });
    expect(paths(html)).toEqual([]);
    expect(circles(html)).toBe(0);
    expect(html).toContain("No samples yet");
    expect(html).toContain("No samples in this period yet.");
    expect(html).toContain('data-points="0"');
    expect(html).not.toContain("NaN");
  });

  it("shows a single point as a dot", () => {
    const html = render({
      times: [at(59)],
      series: [{ name: "p95", tone: "danger", values: [0] }],
      unit: "ms",
    });
    expect(paths(html)).toEqual([]);
    expect(circles(html)).toBe(1);
    expect(html).toContain("p95: latest 0 ms");
    expect(html).not.toContain("NaN");
  });

  it("breaks the line at missing values and long gaps, and skips what is not a number", () => {
    const html = render({
      times: [at(0), at(1), at(2), at(3), at(4), at(20), at(21), at(22)],
      series: [{ name: "p50", tone: "accent", values: [5, 6, null, 7, 8, 9, Number.NaN, Infinity] }],
      maxGapMs: 3 * 60_000,
    });
    // [5,6] and [7,8] join; 9 stands alone after the gap; NaN and Infinity are not drawn.
    expect(paths(html)).toHaveLength(2);
    expect(circles(html)).toBe(1);
    expect(html).toContain('data-points="5"');
    expect(html).not.toMatch(/NaN|Infinity/);
  });

  it("leaves out points outside the window and survives an empty window", () => {
    const outside = seriesGeometry({
      times: [at(-5), at(10), at(90)],
      values: [1, 2, 3],
      from,
      to,
      yMax: 4,
    });
    expect(outside.points).toBe(1);
    const html = render({ to: from, times: [from], series: [{ name: "idle", tone: "muted", values: [3] }] });
    expect(circles(html)).toBe(1);
    expect(html).not.toContain("NaN");
  });
});

describe("chart scales and summaries", () => {
  it("rounds the top of the scale up to 1, 2 or 5 times a power of ten", () => {
    expect([0, -3, Number.NaN, 0.3, 1, 3, 7, 10, 11, 480, 5001].map(niceMax)).toEqual([
      1, 1, 1, 0.5, 1, 5, 10, 10, 20, 500, 10000,
    ]);
  });

  it("summarizes latest, lowest and highest of the finite values", () => {
    expect(summarize([3, null, 1, Number.NaN, 2])).toEqual({ latest: 2, min: 1, max: 3 });
    expect(summarize([null])).toEqual({ latest: null, min: null, max: null });
  });
});
