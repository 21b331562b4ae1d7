/**
 * Validation charts (ROC, lift by tier, lead-time histogram, calibration) and the adapter that reads
 * them from `backtest.json`. The adapter accepts the field names of the backtest engineer's report
 * and a few obvious alternatives, so the page degrades to "not in this report" instead of failing.
 */
import * as Plot from "@observablehq/plot";
import type { Size } from "./portfolio-charts.js";

export interface Backtest {
  auc: number | null;
  horizon: string | null;
  baseRate: number | null;
  topDecileLift: number | null;
  roc: { fpr: number; tpr: number }[];
  lift: { tier: string; churn_rate: number; lift: number | null; rows: number | null }[];
  calibration: { band: string; churn_rate: number; rows: number | null; mean_score: number | null }[];
  leadTimes: { weeks: number; accounts: number }[];
  flagged4w: number | null;
  flagged6w: number | null;
}

type Json = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const pick = (o: Json | undefined, ...keys: string[]): unknown => keys.map((k) => o?.[k]).find((v) => v !== undefined);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** Normalises a backtest report (overall figures) for the charts. */
export function readBacktest(report: unknown): Backtest {
  const r = (report ?? {}) as Json;
  const overall = (pick(r, "overall") as Json | undefined) ?? r;
  const lead = (pick(overall, "lead_time", "lead_times") as Json | undefined) ?? {};
  return {
    auc: num(pick(overall, "auc", "AUC")),
    horizon: (pick(r, "horizon", "horizon_days") as string | number | undefined)?.toString() ?? null,
    baseRate: num(pick(overall, "base_rate", "base_churn_rate")),
    topDecileLift: num(pick(overall, "top_decile_lift")),
    roc: arr(pick(overall, "roc", "roc_points", "roc_curve")).map((p) => ({ fpr: num(pick(p, "fpr", "false_positive_rate", "x"))!, tpr: num(pick(p, "tpr", "true_positive_rate", "y"))! })).filter((p) => p.fpr !== null && p.tpr !== null),
    lift: arr(pick(overall, "lift_by_tier", "tiers", "lift")).map((t) => ({ tier: String(pick(t, "tier", "tier_id")), churn_rate: num(pick(t, "churn_rate", "rate"))!, lift: num(pick(t, "lift")), rows: num(pick(t, "rows", "account_weeks", "n")) })).filter((t) => t.churn_rate !== null),
    calibration: arr(pick(overall, "calibration", "calibration_bands")).map((b) => ({ band: String(pick(b, "band", "score_band", "label")), churn_rate: num(pick(b, "churn_rate", "observed_churn_rate", "rate"))!, rows: num(pick(b, "rows", "account_weeks", "n")), mean_score: num(pick(b, "mean_score")) })).filter((b) => b.churn_rate !== null),
    leadTimes: arr(pick(lead, "histogram") ?? pick(overall, "lead_time_histogram")).map((h) => ({ weeks: num(pick(h, "weeks", "lead_weeks", "bin"))!, accounts: num(pick(h, "accounts", "count", "n"))! })).filter((h) => h.weeks !== null && h.accounts !== null),
    flagged4w: num(pick(lead, "share_flagged_4w", "share_at_least_4w", "flagged_4w_share")),
    flagged6w: num(pick(lead, "share_flagged_6w", "share_at_least_6w", "flagged_6w_share")),
  };
}

/** ROC curve with the diagonal of a random score. */
export function rocCurve(roc: { fpr: number; tpr: number }[], auc: number | null, { width, height = 360 }: Size) {
  const points = [{ fpr: 0, tpr: 0 }, ...[...roc].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr), { fpr: 1, tpr: 1 }];
  return Plot.plot({
    width, height, marginLeft: 50, aspectRatio: width > 1000 ? undefined : 1,
    x: { domain: [0, 1], label: "False positive rate (healthy accounts flagged) →", grid: true },
    y: { domain: [0, 1], label: "↑ True positive rate (churners flagged)", grid: true },
    marks: [
      Plot.line([[0, 0], [1, 1]], { stroke: "#999", strokeDasharray: "4,4" }),
      Plot.areaY(points, { x: "fpr", y: "tpr", fill: "#4e79a7", fillOpacity: 0.12 }),
      Plot.line(points, { x: "fpr", y: "tpr", stroke: "#4e79a7", strokeWidth: 2.5, tip: true }),
      Plot.text([`AUC ${auc === null ? "–" : auc.toFixed(3)}`], { frameAnchor: "bottom-right", dx: -10, dy: -10, fontSize: 16, fontWeight: 700 }),
    ],
  });
}

/** Churn rate by tier against the base rate. */
export function liftByTier(lift: Backtest["lift"], baseRate: number | null, tiers: { id: string; label: string; color: string }[], { width, height = 260 }: Size) {
  const label = (id: string) => tiers.find((t) => t.id === id)?.label ?? id;
  const rows = lift.map((l) => ({ ...l, label: label(l.tier), color: tiers.find((t) => t.id === l.tier)?.color ?? "#888" }));
  return Plot.plot({
    width, height, marginLeft: 50,
    x: { domain: rows.map((r) => r.label), label: null },
    y: { label: "↑ Churned within the horizon (%)", grid: true, percent: true },
    marks: [
      Plot.barY(rows, { x: "label", y: "churn_rate", fill: "color", tip: true }),
      Plot.text(rows, { x: "label", y: "churn_rate", text: (d) => `${(d.churn_rate * 100).toFixed(1)}%${d.lift === null ? "" : ` · ${d.lift.toFixed(1)}× base`}`, dy: -8 }),
      baseRate === null ? null : Plot.ruleY([baseRate], { stroke: "currentColor", strokeDasharray: "4,3" }),
      baseRate === null ? null : Plot.text([baseRate], { y: (d: number) => d, frameAnchor: "right", text: () => "base rate", dy: -6 }),
      Plot.ruleY([0]),
    ],
  });
}

/** Weeks between the first at-risk flag and the churn, per churned account. */
export function leadTimeHistogram(leadTimes: { weeks: number; accounts: number }[], { width, height = 240 }: Size) {
  return Plot.plot({
    width, height, marginLeft: 50,
    x: { label: "Weeks of warning before churn →" },
    y: { label: "↑ Churned accounts", grid: true },
    marks: [
      Plot.rectY(leadTimes, { x1: (d) => d.weeks - 0.5, x2: (d) => d.weeks + 0.5, y: "accounts", fill: "#7b3294", inset: 1, tip: true }),
      Plot.ruleX([4, 6], { stroke: "currentColor", strokeDasharray: "3,3" }),
      Plot.ruleY([0]),
    ],
  });
}

/** Observed churn rate per score band: a well-calibrated score falls as the band rises. */
export function calibration(bands: Backtest["calibration"], { width, height = 240 }: Size) {
  return Plot.plot({
    width, height, marginLeft: 50,
    x: { domain: bands.map((b) => b.band), label: "Score band →" },
    y: { label: "↑ Churned within the horizon (%)", grid: true, percent: true },
    marks: [Plot.barY(bands, { x: "band", y: "churn_rate", fill: "#4e79a7", tip: true }), Plot.ruleY([0])],
  });
}
