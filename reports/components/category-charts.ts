/** Risk category charts: what drives risk, the accounts-by-categories heatmap, category trends. */
import * as Plot from "@observablehq/plot";
import { fitMargin } from "./download.js";
import { tierThresholdScale, type Size, type Tier } from "./portfolio-charts.js";

export interface Category {
  id: string;
  label: string;
  weight: number;
}

/** Mean points of health score each category costs the accounts outside the best tier. */
export function riskDrivers(
  drivers: { category_id: string; mean_points_lost: number; accounts_weakest: number }[],
  categories: Category[],
  { width, height }: Size,
) {
  const label = (id: string) => categories.find((c) => c.id === id)?.label ?? id;
  const rows = drivers.map((d) => ({ ...d, category: label(d.category_id) }));
  return Plot.plot({
    width,
    height: height ?? 50 + 30 * rows.length,
    marginLeft: fitMargin(width, 190, 0.45),
    marginRight: fitMargin(width, 150, 0.18),
    x: { label: "Points of health score lost on average →", grid: true },
    y: { domain: rows.map((r) => r.category), label: null },
    marks: [
      Plot.barX(rows, { x: "mean_points_lost", y: "category", fill: "#d73027", fillOpacity: 0.8, tip: true }),
      // on a phone the bar's label keeps the points only: the accounts it is weakest for are in the tip
      Plot.text(rows, {
        x: "mean_points_lost",
        y: "category",
        text: (d) =>
          width < 500 ? `${d.mean_points_lost.toFixed(1)} pts` : `${d.mean_points_lost.toFixed(1)} pts · weakest for ${d.accounts_weakest}`,
        textAnchor: "start",
        dx: 5,
      }),
      Plot.ruleX([0]),
    ],
  });
}

/** Accounts (rows) by categories (columns), coloured by category score at the formula's tier cut-offs. */
export function categoryHeatmap(
  rows: { name: string; score: number | null; scores: Record<string, number | null> }[],
  categories: Category[],
  tiers: Tier[],
  { width, height }: Size,
) {
  const cells = rows.flatMap((r) => categories.map((c) => ({ account: r.name, category: c.label, score: r.scores[c.id] ?? null })));
  return Plot.plot({
    width,
    height: height ?? 90 + 18 * rows.length,
    marginLeft: fitMargin(width, 180, 0.35),
    marginTop: 100,
    marginRight: fitMargin(width, 90, 0.1),
    x: { domain: categories.map((c) => c.label), axis: "top", label: null, tickRotate: -25 },
    y: { domain: rows.map((r) => r.name), label: null },
    color: { ...tierThresholdScale(tiers), legend: true, label: "Category score (tier cut-offs)" },
    marks: [
      Plot.cell(
        cells.filter((c) => c.score !== null),
        { x: "category", y: "account", fill: "score", inset: 0.5, tip: true },
      ),
      Plot.cell(
        cells.filter((c) => c.score === null),
        { x: "category", y: "account", fill: "#eee", inset: 0.5 },
      ),
      Plot.text(cells, { x: "category", y: "account", text: (d) => (d.score === null ? "–" : d.score.toFixed(0)), fontSize: 10 }),
    ],
  });
}

/** Small multiples: each category's mean score with its 25-75th percentile band, by week. */
export function categoryTrends(
  trend: { week_end: string; category_id: string; mean: number; p25: number; p75: number }[],
  categories: Category[],
  { width, height }: Size,
) {
  const label = (id: string) => categories.find((c) => c.id === id)?.label ?? id;
  const rows = trend.map((t) => ({ ...t, week: new Date(t.week_end), category: label(t.category_id) }));
  const present = categories.filter((c) => rows.some((r) => r.category_id === c.id)).map((c) => c.label);
  const columns = width > 700 ? 4 : 2;
  return Plot.plot({
    width,
    height: height ?? 170 * Math.ceil(present.length / columns),
    marginLeft: 40,
    x: { type: "utc", label: null, ticks: 3 },
    y: { domain: [0, 100], label: "↑ Score", grid: true, ticks: 3 },
    fx: { axis: null },
    facet: {
      data: rows,
      x: (d: { category: string }) => present.indexOf(d.category) % columns,
      y: (d: { category: string }) => Math.floor(present.indexOf(d.category) / columns),
    },
    fy: { axis: null },
    marks: [
      Plot.areaY(rows, { x: "week", y1: "p25", y2: "p75", fill: "#4e79a7", fillOpacity: 0.2 }),
      Plot.lineY(rows, { x: "week", y: "mean", stroke: "#4e79a7", strokeWidth: 2, tip: true }),
      Plot.text(rows, Plot.selectFirst({ text: "category", frameAnchor: "top-left", dx: 4, dy: 4, fontWeight: 600 })),
      Plot.frame({ strokeOpacity: 0.2 }),
    ],
  });
}
