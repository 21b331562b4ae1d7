/** Renders a calibration report: the split and what was tried, the later-period comparison, the measures, the verdict. */
import { formatRecords, type OutputFormat } from "../core/records.ts";
import { CANDIDATE_LABELS, fmt, pct, times, type PeriodFigures } from "./calibrate.ts";
import { ruleText } from "./splits.ts";
import type { CalibrateReport } from "./types.ts";

/** Later-period figures, one row per score: default formula, calibrated formula, fitted peer. */
export function comparisonRows(report: CalibrateReport): Record<string, unknown>[] {
  const row = (score: string, f: PeriodFigures) => ({
    score,
    auc: f.auc,
    auc_within_week: f.auc_within_week,
    at_risk_lift: f.at_risk?.lift ?? null,
    at_risk_recall: f.at_risk?.recall ?? null,
    at_risk_false_alarms: f.at_risk?.false_alarm_share ?? null,
    watch_recall: f.watch_or_worse?.recall ?? null,
    watch_false_alarms: f.watch_or_worse?.false_alarm_share ?? null,
    survivors_flagged_watch: f.watch_or_worse?.survivor_accounts_flagged ?? null,
    top_decile_lift: f.top_decile_lift,
  });
  const e = report.evaluation;
  return [row("default", e.default), row("calibrated", e.calibrated), row("fitted peer", e.peer), row("peer, values only", e.peer_values)];
}

/** The report as text, CSV (the comparison rows) or JSON (everything). */
export function formatCalibrate(report: CalibrateReport, diff: string, format: OutputFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format === "csv") return formatRecords(comparisonRows(report), "csv");
  const s = report.split;
  const lines = [
    `Calibrating "${report.formula.name}" (${report.formula.hash}) on this book's churn within ${report.horizon}`,
    `Split ${s.date}: ${s.rule}`,
    ...s.tried.filter((t) => !t.usable).map((t) => `  tried ${t.split} (${ruleText(t.rule)}) first: ${t.reason}`),
    `Fit on:      weeks ending ${s.fit.from_week_end} to ${s.fit.to_week_end} whose horizon ended by the split: ${s.fit.account_weeks} account-weeks, ${s.fit.churned_accounts} churned and ${s.fit.surviving_accounts} surviving accounts` +
      (report.fit.stride > 1 ? ` (every ${report.fit.stride}th week used for the regression)` : ""),
    `Evaluate on: weeks ending ${s.evaluation.from_week_end} to ${s.evaluation.to_week_end} with an observed horizon: ${report.evaluation.account_weeks} account-weeks, ${s.evaluation.churned_accounts} churned and ${s.evaluation.surviving_accounts} surviving accounts`,
    `Fit-period AUC (in sample): default ${fmt(report.fit.auc.default)}, calibrated ${fmt(report.fit.auc.calibrated)}, fitted peer ${fmt(report.fit.auc.peer)}`,
    report.fit.candidate.inner_split === null
      ? `Candidate: ${report.fit.candidate.rule}`
      : `Candidate (inner split ${report.fit.candidate.inner_split} of the fit period, AUC within weeks ${report.fit.candidate.inner_auc.map((a) => `${a.candidate} ${fmt(a.auc_within_week)}`).join(", ")}): ${CANDIDATE_LABELS[report.fit.candidate.chosen]}`,
    "",
    "Later period (after the split)",
    formatRecords(
      comparisonRows(report).map((r) => ({
        score: r.score,
        auc: fmt(r.auc as number | null),
        auc_within_week: fmt(r.auc_within_week as number | null),
        at_risk_lift: times(r.at_risk_lift as number | null),
        at_risk_recall: pct(r.at_risk_recall as number | null),
        watch_recall: pct(r.watch_recall as number | null),
        watch_false_alarms: pct(r.watch_false_alarms as number | null),
        survivors_flagged: pct(r.survivors_flagged_watch as number | null),
      })),
      "text",
    ),
    "(false alarms: share of non-churned weeks flagged watch or worse; survivors flagged: share of accounts that did not churn flagged at least once)",
    "",
    "Measures",
    formatRecords(
      report.measures.map((m) => ({
        measure: m.measure,
        category: m.category,
        weight: m.kept ? `${m.effective_weight.toFixed(1)}` : "",
        auc_alone: fmt(m.auc_alone),
        better: m.better ?? "",
        note: m.kept ? "" : (m.reason ?? ""),
      })),
      "text",
    ),
    "Tiers (min score)",
    formatRecords(
      report.tiers.map((t) => ({ tier: t.id, current: t.current, calibrated: t.calibrated })),
      "text",
    ),
    report.verdict,
    ...report.notes.map((note) => `Note: ${note}`),
    "",
    `Calibrated formula: ${report.files.formula}; diff against the current one: ${report.files.diff} (${diff.split("\n").filter((l) => /^[-+][^-+]/.test(l)).length} changed lines)`,
  ];
  return `${lines.join("\n")}\n`;
}
