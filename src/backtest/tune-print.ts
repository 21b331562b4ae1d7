/** Renders a tuning report: the split, before and after on the later period, the weights, the verdict. */
import { formatRecords, type OutputFormat } from "../cli/output.ts";
import { formatWeight } from "./suggest.ts";
import type { PeriodFigures, TuneReport } from "./tune.ts";

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "-" : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? "-" : v.toFixed(3));
const times = (v: number | null | undefined) => (v === null || v === undefined ? "-" : `${v.toFixed(2)}x`);

/** Later-period figures, one row per weighting (current, suggested). */
export function evaluationRows(report: TuneReport): Record<string, unknown>[] {
  const row = (weights: string, f: PeriodFigures) => ({
    weights,
    auc: f.auc,
    at_risk_precision: f.at_risk.precision,
    at_risk_recall: f.at_risk.recall,
    at_risk_weeks: f.at_risk.flagged,
    watch_precision: f.at_risk_or_watch.precision,
    watch_recall: f.at_risk_or_watch.recall,
    top_decile_lift: f.top_decile_lift,
    flagged_4w_share: f.lead_time.share_flagged_4w,
    flagged_6w_share: f.lead_time.share_flagged_6w,
  });
  return [row("current", report.evaluation.current), row("suggested", report.evaluation.suggested), row("searched (unshrunk)", report.evaluation.searched)];
}

function shrinkageLine(report: TuneReport): string {
  const s = report.fit.shrinkage;
  if (!s.validated) return `Shrinkage: none (too little churn in the fit period to validate inside it: ${s.inner_fit_churned} and ${s.inner_validation_churned} churned accounts around ${s.inner_split ?? "-"})`;
  const tried = s.tried.map((t) => `${t.alpha}: ${num(t.auc)}`).join(", ");
  return `Shrinkage: ${Math.round(s.alpha * 100)}% of the way to the searched weights, chosen inside the fit period (split ${s.inner_split}; validation AUC by share ${tried})`;
}

/** The report as text, CSV (the before/after rows) or JSON (everything). */
export function formatTune(report: TuneReport, diff: string, format: OutputFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format === "csv") return formatRecords(evaluationRows(report), "csv");
  const s = report.split;
  const lines = [
    `Tuning category weights of "${report.formula.name}" (${report.formula.hash}), churn within ${report.horizon}, split ${s.date} (${s.chosen})`,
    `Fit on:      ${s.fit.account_weeks} account-weeks ending ${s.fit.from_week_end} to ${s.fit.to_week_end} (horizon ended by the split), ${s.fit.churned_accounts} churned accounts` +
      (report.fit.stride > 1 ? `; every ${report.fit.stride}th week used (${report.fit.weeks_used})` : ""),
    `Evaluate on: ${s.evaluation.account_weeks} account-weeks ending ${s.evaluation.from_week_end} to ${s.evaluation.to_week_end}, ${s.evaluation.churned_accounts} churned accounts`,
    `Fit-period AUC: ${num(report.fit.auc_current)} current, ${num(report.fit.auc_searched)} searched (${report.fit.moves} moves), ${num(report.fit.auc_suggested)} suggested`,
    shrinkageLine(report),
    "",
    "Later period (after the split)",
    formatRecords(
      evaluationRows(report).map((r) => ({
        weights: r.weights,
        auc: num(r.auc as number | null),
        at_risk_precision: pct(r.at_risk_precision as number | null),
        at_risk_recall: pct(r.at_risk_recall as number | null),
        at_risk_weeks: r.at_risk_weeks,
        watch_recall: pct(r.watch_recall as number | null),
        top_decile_lift: times(r.top_decile_lift as number | null),
        flagged_4w: pct(r.flagged_4w_share as number | null),
        flagged_6w: pct(r.flagged_6w_share as number | null),
      })),
      "text",
    ),
    "Category weights",
    formatRecords(
      report.weights.map((w) => ({
        category: w.id,
        current: formatWeight(w.current),
        suggested: formatWeight(w.suggested),
        change: w.change === 0 ? "" : `${w.change > 0 ? "+" : ""}${formatWeight(w.change)}`,
        note: w.has_fit_data ? "" : "no data before the split: kept",
      })),
      "text",
    ),
    report.verdict,
    ...report.notes.map((note) => `Note: ${note}`),
    "",
    `Suggested formula: ${report.files.formula}; diff against the current one (${report.files.diff}):`,
    diff.trimEnd(),
  ];
  return `${lines.join("\n")}\n`;
}
