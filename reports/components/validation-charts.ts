/**
 * Validation charts (ROC, lift by tier, lead-time histogram, churners against survivors flagged,
 * calibration) and the reader of `backtest.json`, whose fields are those of the backtest stage's
 * report (BacktestReport in src/backtest/backtest.ts): `overall` and `segments[]` each carry
 * stratified_auc {auc, weeks, single_class_weeks}, the pooled auc, average_precision, base_rate,
 * top_decile {churn_rate}, top_decile_lift, at_risk / at_risk_or_watch {precision, recall}, roc,
 * lift_by_tier, calibration and lead_time {histogram, share_flagged*, false_alarm {share_flagged*},
 * churned_left_out, median_lead_weeks}; `alert_kinds[]` each kind's precision and rate; `signals[]`
 * the AUC of each category's and each measure's score alone. Every figure is computed by the
 * backtest; these functions only lay it out.
 */
import * as Plot from "@observablehq/plot";
import { fitMargin } from "./download.js";
import type { Size } from "./portfolio-charts.js";
// types only (erased in the browser build): backtest.json is the backtest stage's report, declared once
import type {
  BacktestReport,
  FalseAlarmSummary,
  LeadTimeSummary as LeadTime,
  ScopeReport as BacktestScope,
  SignalAuc as Signal,
} from "../../src/backtest/backtest.ts";

/** One row per scope for the per-segment table. */
export function scopeRows(report: BacktestReport) {
  const row = (scope: string, s: BacktestScope) => ({
    scope,
    account_weeks: s.rows,
    churned_weeks: s.positives,
    base_rate: s.base_rate,
    auc: s.stratified_auc.auc,
    pooled_auc: s.auc,
    average_precision: s.average_precision,
    top_decile_lift: s.top_decile_lift,
    at_risk_precision: s.at_risk.precision,
    at_risk_recall: s.at_risk.recall,
    churned_accounts: s.lead_time.churned_accounts,
    flagged_4w: s.lead_time.share_flagged_4w,
    survivors_4w: s.lead_time.false_alarm.share_flagged_4w,
    flagged_6w: s.lead_time.share_flagged_6w,
    survivors_6w: s.lead_time.false_alarm.share_flagged_6w,
    median_lead_weeks: s.lead_time.median_lead_weeks,
  });
  return [row("All accounts", report.overall), ...report.segments.map((s) => row(s.segment, s))];
}

/** One row per alert kind (then all kinds together) for the precision table, as the backtest measured it. */
export function alertKindRows(report: BacktestReport) {
  return (report.alert_kinds ?? []).map((k) => ({
    kind: k.kind ?? "All kinds",
    alerts: k.alerts,
    per_account_year: k.alerts_per_account_year,
    labelled: k.labelled,
    followed_by_churn: k.followed_by_churn,
    precision: k.precision,
    lift: k.lift,
  }));
}

/**
 * Churned accounts flagged in their warning window against survivors flagged in a window of the
 * same length (the false-alarm share), at any time in it and at least 4 and 6 weeks before its end.
 */
export function leadVersusFalseAlarm(lead: LeadTime, lookbackWeeks: number, { width, height = 260 }: Size) {
  const windows = [`within ${lookbackWeeks} wk`, "≥ 4 wk ahead", "≥ 6 wk ahead"];
  const groups = ["Churned", "Did not churn"];
  const pick = (s: Pick<FalseAlarmSummary, "share_flagged" | "share_flagged_4w" | "share_flagged_6w">) => [
    s.share_flagged,
    s.share_flagged_4w,
    s.share_flagged_6w,
  ];
  const rows = [pick(lead), pick(lead.false_alarm)].flatMap((shares, g) =>
    shares.flatMap((share, w) => (share === null ? [] : [{ window: windows[w]!, group: groups[g]!, share }])),
  );
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    fx: { domain: windows, label: null },
    x: { axis: null, domain: groups },
    y: { label: "↑ Accounts flagged (%)", grid: true, percent: true, domain: [0, 100] },
    color: { legend: true, domain: groups, range: ["#e15759", "#bab0ac"] },
    marks: [
      Plot.barY(rows, { fx: "window", x: "group", y: "share", fill: "group", tip: true }),
      Plot.text(rows, { fx: "window", x: "group", y: "share", text: (d) => `${Math.round(d.share * 100)}%`, dy: -8 }),
      Plot.ruleY([0]),
    ],
  });
}

/** ROC curve with the diagonal of a random score. */
export function rocCurve(roc: { fpr: number; tpr: number }[], auc: number | null, { width, height = 360 }: Size) {
  const points = [{ fpr: 0, tpr: 0 }, ...[...roc].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr), { fpr: 1, tpr: 1 }];
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    aspectRatio: width > 1000 ? undefined : 1,
    x: { domain: [0, 1], label: "False positive rate (healthy accounts flagged) →", grid: true },
    y: { domain: [0, 1], label: "↑ True positive rate (churners flagged)", grid: true },
    marks: [
      Plot.line(
        [
          [0, 0],
          [1, 1],
        ],
        { stroke: "#999", strokeDasharray: "4,4" },
      ),
      Plot.areaY(points, { x: "fpr", y: "tpr", fill: "#4e79a7", fillOpacity: 0.12 }),
      Plot.line(points, { x: "fpr", y: "tpr", stroke: "#4e79a7", strokeWidth: 2.5, tip: true }),
      Plot.text([`pooled AUC ${auc === null ? "–" : auc.toFixed(3)}`], {
        frameAnchor: "bottom-right",
        dx: -10,
        dy: -10,
        fontSize: 16,
        fontWeight: 700,
      }),
    ],
  });
}

/** Churn rate by tier against the base rate. */
export function liftByTier(
  lift: BacktestScope["lift_by_tier"],
  baseRate: number | null,
  tiers: { id: string; label: string; color: string }[],
  { width, height = 260 }: Size,
) {
  const label = (id: string) => tiers.find((t) => t.id === id)?.label ?? id;
  const rows = lift
    .filter((l) => l.churn_rate !== null)
    .map((l) => ({ ...l, churn_rate: l.churn_rate!, label: label(l.tier), color: tiers.find((t) => t.id === l.tier)?.color ?? "#888" }));
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: { domain: rows.map((r) => r.label), label: null },
    y: { label: "↑ Churned within the horizon (%)", grid: true, percent: true },
    marks: [
      Plot.barY(rows, { x: "label", y: "churn_rate", fill: "color", tip: true }),
      Plot.text(rows, {
        x: "label",
        y: "churn_rate",
        text: (d) => `${(d.churn_rate * 100).toFixed(1)}%${d.lift === null ? "" : ` · ${d.lift.toFixed(1)}× base`}`,
        dy: -8,
      }),
      baseRate === null ? null : Plot.ruleY([baseRate], { stroke: "currentColor", strokeDasharray: "4,3" }),
      baseRate === null ? null : Plot.text([baseRate], { y: (d: number) => d, frameAnchor: "right", text: () => "base rate", dy: -6 }),
      Plot.ruleY([0]),
    ],
  });
}

/** Weeks between the first at-risk flag and the churn, per churned account. */
export function leadTimeHistogram(leadTimes: { weeks: number; accounts: number }[], { width, height = 240 }: Size) {
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: { label: "Weeks of warning before churn →" },
    y: { label: "↑ Churned accounts", grid: true },
    marks: [
      Plot.rectY(leadTimes, { x1: (d) => d.weeks - 0.5, x2: (d) => d.weeks + 0.5, y: "accounts", fill: "#7b3294", inset: 1, tip: true }),
      Plot.ruleX([4, 6], { stroke: "currentColor", strokeDasharray: "3,3" }),
      Plot.ruleY([0]),
    ],
  });
}

/**
 * The AUC of each category's score alone, best first, against a coin toss (0.5): which dimensions
 * of health carry the warning, and which only add noise to the weighted sum.
 */
export function categorySignals(signals: Signal[], label: (categoryId: string) => string, { width, height }: Size) {
  const rows = signals
    .filter((s) => s.kind === "category" && s.auc !== null)
    .map((s) => ({ category: label(s.category_id), auc: s.auc as number, coverage: s.coverage }))
    .sort((a, b) => b.auc - a.auc);
  return Plot.plot({
    width,
    height: height ?? Math.max(160, rows.length * 26 + 50),
    marginLeft: fitMargin(width, 200),
    x: { domain: [0, 1], label: "AUC of the category alone →", grid: true },
    y: { domain: rows.map((r) => r.category), label: null },
    marks: [
      Plot.barX(rows, { y: "category", x1: 0.5, x2: "auc", fill: (d) => (d.auc >= 0.5 ? "#4e79a7" : "#e15759"), tip: true }),
      Plot.ruleX([0.5], { stroke: "currentColor", strokeDasharray: "3,3" }),
    ],
  });
}

/** Observed churn rate per score band: a well-calibrated score falls as the band rises. */
export function calibration(bands: BacktestScope["calibration"], { width, height = 240 }: Size) {
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: { domain: [...bands].sort((a, b) => a.score_from - b.score_from).map((b) => b.band), label: "Score band →" },
    y: { label: "↑ Churned within the horizon (%)", grid: true, percent: true },
    marks: [Plot.barY(bands, { x: "band", y: "churn_rate", fill: "#4e79a7", tip: true }), Plot.ruleY([0])],
  });
}
