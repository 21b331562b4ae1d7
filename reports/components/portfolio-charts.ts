/** Portfolio charts: health distribution, ARR by tier, tiers over time, tier moves, revenue retention. */
import * as Plot from "@observablehq/plot";
import { fitMargin } from "./download.js";
import { formatMoneyShort, formatShare } from "./format.js";

export interface Tier {
  id: string;
  label: string;
  color: string;
  min: number;
  max: number;
}
export interface Size {
  width: number;
  height?: number;
}

/** Accounts without a score: named so on every page, in no tier (site_portfolio_accounts.tier_group). */
export const NOT_SCORED = { id: "not_scored", label: "Not scored", color: "#6b7280" } as const;

const withNotScored = (tiers: Tier[]) => [...tiers.map((t) => ({ id: t.id, label: t.label, color: t.color })), NOT_SCORED];
const tierScale = (tiers: Tier[]) => ({
  domain: withNotScored(tiers).map((t) => t.label),
  range: withNotScored(tiers).map((t) => t.color),
  legend: true,
});
const labelOf = (tiers: Tier[]) => (id: string | null) => tiers.find((t) => t.id === id)?.label ?? NOT_SCORED.label;

/**
 * A threshold colour scale from the formula's tiers: a score gets the colour of the tier whose
 * range holds it (the category bars and the heatmap use the same cut-offs as the health score).
 */
export function tierThresholdScale(tiers: Tier[]) {
  const ascending = [...tiers].sort((a, b) => a.min - b.min);
  return { type: "threshold" as const, domain: ascending.slice(1).map((t) => t.min), range: ascending.map((t) => t.color) };
}

/** The width of the health distribution's bins, in score points (site_portfolio_distribution.score_bin). */
export const SCORE_BIN = 5;

/**
 * Histogram of current scores, coloured by tier, with the tier thresholds as rules, from the counts
 * of accounts per 5-point bin and tier (rows of site_portfolio_distribution for one slice).
 */
export function healthDistribution(
  bins: { score_bin: number; tier_id: string; accounts: number }[],
  tiers: Tier[],
  { width, height = 260 }: Size,
) {
  const label = labelOf(tiers);
  const rows = bins.map((b) => ({ score: b.score_bin, score_to: b.score_bin + SCORE_BIN, tier: label(b.tier_id), accounts: b.accounts }));
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: { domain: [0, 100], label: "Health score →" },
    y: { label: "↑ Accounts", grid: true },
    color: tierScale(tiers),
    marks: [
      // bins stacked by tier, with the half-pixel gaps Plot's own binning draws
      Plot.rectY(rows, {
        x1: "score",
        x2: "score_to",
        y: "accounts",
        fill: "tier",
        insetLeft: 0.5,
        insetRight: 0.5,
        tip: true,
      }),
      Plot.ruleX(
        tiers.filter((t) => t.min > 0),
        { x: "min", stroke: "currentColor", strokeDasharray: "3,3" },
      ),
      Plot.ruleY([0]),
    ],
  });
}

/** ARR in each tier now (rows of site_portfolio_tiers), as horizontal bars with the amount written on them. */
export function arrByTier(
  rows: { tier_id: string; tier_label: string; accounts: number; arr: number }[],
  tiers: Tier[],
  { width, height = 200 }: Size,
) {
  const colors = withNotScored(tiers);
  const shown = rows.filter((r) => r.tier_id !== NOT_SCORED.id || r.accounts > 0);
  return Plot.plot({
    width,
    height,
    marginLeft: fitMargin(width, 90, 0.25),
    marginRight: fitMargin(width, 130, 0.3),
    x: { label: "ARR →", tickFormat: formatMoneyShort, grid: true },
    y: { domain: shown.map((r) => r.tier_label), label: null },
    color: { domain: colors.map((t) => t.label), range: colors.map((t) => t.color) },
    marks: [
      Plot.barX(shown, { x: "arr", y: "tier_label", fill: "tier_label", tip: true }),
      Plot.text(shown, {
        x: "arr",
        y: "tier_label",
        text: (d) => `${formatMoneyShort(d.arr)} · ${d.accounts} accts`,
        textAnchor: "start",
        dx: 6,
      }),
      Plot.ruleX([0]),
    ],
  });
}

/** Accounts, or their ARR as of each week, per tier by week, stacked (rows of site_tier_weeks). */
export function tiersOverTime(
  tierWeeks: { week_end: string; tier: string; accounts: number; arr: number }[],
  tiers: Tier[],
  { width, height = 280 }: Size,
  measure: "accounts" | "arr" = "accounts",
) {
  const label = labelOf(tiers);
  const order = withNotScored(tiers)
    .map((t) => t.label)
    .reverse();
  const rows = tierWeeks.map((d) => ({ week: new Date(d.week_end), tier: label(d.tier), value: d[measure] }));
  return Plot.plot({
    width,
    height,
    marginLeft: 60,
    x: { type: "utc", label: null },
    y: { label: measure === "arr" ? "↑ ARR" : "↑ Accounts", grid: true, tickFormat: measure === "arr" ? formatMoneyShort : undefined },
    color: tierScale(tiers),
    marks: [Plot.areaY(rows, { x: "week", y: "value", fill: "tier", order, tip: true }), Plot.ruleY([0])],
  });
}

/** Gross and net revenue retention per period (rows of site_revenue_retention), as lines, with 100% marked. */
export function retentionRates(rows: { period_start: string; grr: number | null; nrr: number | null }[], { width, height = 260 }: Size) {
  const long = rows
    .flatMap((r) => [
      { period: new Date(r.period_start), measure: "Net revenue retention (NRR)", value: r.nrr },
      { period: new Date(r.period_start), measure: "Gross revenue retention (GRR)", value: r.grr },
    ])
    .filter((d) => d.value !== null);
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: { type: "utc", label: null },
    y: { label: "↑ Retention", grid: true, tickFormat: (v: number) => formatShare(v) },
    color: { domain: ["Net revenue retention (NRR)", "Gross revenue retention (GRR)"], range: ["#1f77b4", "#d62728"], legend: true },
    marks: [
      Plot.ruleY([1], { stroke: "currentColor", strokeDasharray: "3,3" }),
      Plot.lineY(long, { x: "period", y: "value", stroke: "measure", marker: "circle", tip: true }),
    ],
  });
}

/** A period of site_revenue_retention as "2024-Q3" (quarter) or "2024-07" (month): ordinal labels (ISO dates on a band scale make Plot warn). */
export function periodLabel(r: { period_kind: string; period_start: string }): string {
  return r.period_kind === "quarter"
    ? `${r.period_start.slice(0, 4)}-Q${Math.floor((Number(r.period_start.slice(5, 7)) - 1) / 3) + 1}`
    : r.period_start.slice(0, 7);
}

/** ARR lost (churned, contracted) and gained (expansion, new) per period, as bars below and above 0. */
export function arrMovements(
  rows: {
    period_kind: string;
    period_start: string;
    churned_arr: number;
    contraction_arr: number;
    expansion_arr: number;
    new_arr: number;
  }[],
  { width, height = 260 }: Size,
) {
  const label = periodLabel;
  const kinds = [
    { key: "new_arr", label: "New", sign: 1, color: "#2ca02c" },
    { key: "expansion_arr", label: "Expansion", sign: 1, color: "#98df8a" },
    { key: "contraction_arr", label: "Contraction", sign: -1, color: "#ff9896" },
    { key: "churned_arr", label: "Churned", sign: -1, color: "#d62728" },
  ] as const;
  const long = rows.flatMap((r) => kinds.map((k) => ({ period: label(r), kind: k.label, arr: k.sign * r[k.key] })));
  return Plot.plot({
    width,
    height,
    marginLeft: 60,
    x: { label: null, domain: rows.map(label), tickRotate: rows.length > 12 || width < 600 ? -45 : 0 },
    y: { label: "↑ gained · lost ↓ (ARR)", grid: true, tickFormat: (v: number) => formatMoneyShort(Math.abs(v)) },
    color: { domain: kinds.map((k) => k.label), range: kinds.map((k) => k.color), legend: true },
    marks: [Plot.barY(long, { x: "period", y: "arr", fill: "kind", tip: true }), Plot.ruleY([0])],
  });
}

/** Accounts moving to a better (up) or worse (down) tier each week. */
export function tierMoves(moves: { week_end: string; up: number; down: number }[], { width, height = 200 }: Size) {
  const rows = moves.flatMap((m) => [
    { week: new Date(m.week_end), direction: "Moved to a better tier", accounts: m.up },
    { week: new Date(m.week_end), direction: "Moved to a worse tier", accounts: -m.down },
  ]);
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: { type: "utc", label: null },
    y: { label: "↑ better · worse ↓", grid: true, tickFormat: (d: number) => String(Math.abs(d)) },
    color: { domain: ["Moved to a better tier", "Moved to a worse tier"], range: ["#1a9850", "#d73027"], legend: true },
    marks: [Plot.rectY(rows, { x: "week", interval: "week", y: "accounts", fill: "direction", tip: true }), Plot.ruleY([0])],
  });
}
