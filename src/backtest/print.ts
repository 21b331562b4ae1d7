/** Renders a backtest report for the terminal: headline figures, tables, and a per-scope summary. */
import { fixed as num, formatRecords, percent as pct, times, type OutputFormat } from "../core/records.ts";
import type { BacktestReport, LeadTimeSummary, ScopeReport } from "./backtest.ts";

/** One row per scope (overall, then each segment) with the headline figures. */
export function scopeSummaries(report: BacktestReport): Record<string, unknown>[] {
  const row = (scope: string, s: ScopeReport) => ({
    scope,
    account_weeks: s.rows,
    churned_weeks: s.positives,
    base_rate: s.base_rate,
    auc_within_weeks: s.stratified_auc.auc,
    auc_pooled: s.auc,
    average_precision: s.average_precision,
    top_decile_precision: s.top_decile.churn_rate,
    at_risk_precision: s.at_risk.precision,
    at_risk_recall: s.at_risk.recall,
    watch_precision: s.at_risk_or_watch.precision,
    watch_recall: s.at_risk_or_watch.recall,
    top_decile_lift: s.top_decile_lift,
    churned_accounts: s.lead_time.churned_accounts,
    churned_left_out: s.lead_time.churned_left_out,
    flagged_4w_share: s.lead_time.share_flagged_4w,
    survivors_flagged_4w_share: s.lead_time.false_alarm.share_flagged_4w,
    flagged_6w_share: s.lead_time.share_flagged_6w,
    survivors_flagged_6w_share: s.lead_time.false_alarm.share_flagged_6w,
    alerted_4w_share: s.alert_lead_time?.share_flagged_4w ?? null,
    survivors_alerted_4w_share: s.alert_lead_time?.false_alarm.share_flagged_4w ?? null,
    alerted_6w_share: s.alert_lead_time?.share_flagged_6w ?? null,
    survivors_alerted_6w_share: s.alert_lead_time?.false_alarm.share_flagged_6w ?? null,
  });
  return [row("all", report.overall), ...report.segments.map((s) => row(`segment ${s.segment}`, s))];
}

/** The report as text, CSV (the per-scope summary) or JSON (everything). */
export function formatBacktest(report: BacktestReport, format: OutputFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format === "csv") return formatRecords(scopeSummaries(report), "csv");
  return backtestText(report);
}

function leadLines(name: string, lead: LeadTimeSummary | null, lookback: number): string[] {
  if (!lead) return [`${name}: no alerts in this run`];
  const fa = lead.false_alarm;
  return [
    `${name}: ${pct(lead.share_flagged_4w)} of ${lead.churned_accounts} churned accounts at least 4 weeks ahead, ` +
      `${pct(lead.share_flagged_6w)} at least 6, ${pct(lead.share_flagged)} within ${lookback} weeks ` +
      `(median lead ${lead.median_lead_weeks === null ? "-" : `${lead.median_lead_weeks} weeks`})`,
    `  false alarms: survivors with the same flag in a ${lookback}-week window: ${pct(fa.share_flagged_4w)} at least 4 weeks before its end, ` +
      `${pct(fa.share_flagged_6w)} at least 6, ${pct(fa.share_flagged)} at all (${fa.survivor_accounts} survivors, mean over ${fa.reference_weeks} weeks)`,
  ];
}

function backtestText(r: BacktestReport): string {
  const o = r.overall;
  const c = r.counts;
  const s = o.stratified_auc;
  const lines = [
    `Backtest of "${r.formula.name}" (${r.formula_hash}), churn within ${r.horizon}, weeks ending ${r.period.from_week_end} to ${r.period.to_week_end}`,
    `Account-weeks: ${c.labelled} labelled (${c.positives} followed by churn: base rate ${pct(o.base_rate, 2)}), ${c.without_data} without data; ${c.accounts} accounts, ${c.churned_accounts} churned.`,
    `Left out: ${c.censored} account-weeks whose ${r.horizon} horizon runs past the export (${c.censored_churned} of them churned accounts', censored alike); ` +
      `${s.single_class_weeks} weeks with one class only (${s.single_class_rows} account-weeks) from the AUC within weeks; ` +
      `${o.lead_time.churned_left_out} churned accounts whose ${r.lookback_weeks}-week warning window is not observable from the lead times.`,
    "",
    `AUC within weeks    ${num(s.auc)}   (headline: the AUC among each week's account-weeks, mean over ${s.weeks} weeks; 0.5 = coin toss, 1 = perfect)`,
    `AUC pooled          ${num(o.auc)}   (every pair of account-weeks, whatever their weeks)`,
    `PR-AUC              ${num(o.average_precision)}   (average precision; a random score gets the base rate, ${pct(o.base_rate, 2)})`,
    `Top decile          precision ${pct(o.top_decile.churn_rate)}, lift ${times(o.top_decile_lift)}   (the lowest-scoring 10% of account-weeks)`,
    `At risk             precision ${pct(o.at_risk.precision)}, recall ${pct(o.at_risk.recall)} (${o.at_risk.flagged} weeks in ${o.at_risk.tiers.join(", ")})`,
    `At risk or watch    precision ${pct(o.at_risk_or_watch.precision)}, recall ${pct(o.at_risk_or_watch.recall)} (${o.at_risk_or_watch.flagged} weeks in ${o.at_risk_or_watch.tiers.join(", ")})`,
    ...leadLines("Flagged at risk", o.lead_time, r.lookback_weeks),
    ...leadLines("First alert", o.alert_lead_time, r.lookback_weeks),
    "",
    ...(r.alert_kinds
      ? [
          `Alerts by kind (precision: share followed by churn within ${r.horizon}, of the alerts whose horizon is observable)`,
          formatRecords(
            r.alert_kinds.map((k) => ({
              kind: k.kind ?? "(all kinds)",
              alerts: k.alerts,
              per_account_year: num(k.alerts_per_account_year, 2),
              observable: k.labelled,
              followed_by_churn: k.followed_by_churn,
              precision: pct(k.precision),
              lift: times(k.lift),
            })),
            "text",
          ),
        ]
      : []),
    "Churn by tier",
    formatRecords(
      o.lift_by_tier.map((t) => ({
        tier: t.tier,
        account_weeks: t.rows,
        churned: t.churned,
        churn_rate: pct(t.churn_rate),
        lift: times(t.lift),
      })),
      "text",
    ),
    "Calibration by score band",
    formatRecords(
      o.calibration.map((b) => ({
        band: b.band,
        account_weeks: b.rows,
        churned: b.churned,
        churn_rate: pct(b.churn_rate),
        mean_score: num(b.mean_score, 1),
      })),
      "text",
    ),
    "By segment",
    formatRecords(
      scopeSummaries(r).map((s) => ({
        scope: s.scope,
        account_weeks: s.account_weeks,
        base_rate: pct(s.base_rate as number, 2),
        auc_within_weeks: num(s.auc_within_weeks as number | null),
        auc_pooled: num(s.auc_pooled as number | null),
        pr_auc: num(s.average_precision as number | null),
        at_risk_precision: pct(s.at_risk_precision as number | null),
        at_risk_recall: pct(s.at_risk_recall as number | null),
        top_decile_lift: times(s.top_decile_lift as number | null),
        churned_accounts: s.churned_accounts,
        flagged_4w: pct(s.flagged_4w_share as number | null),
        survivors_4w: pct(s.survivors_flagged_4w_share as number | null),
        flagged_6w: pct(s.flagged_6w_share as number | null),
        survivors_6w: pct(s.survivors_flagged_6w_share as number | null),
      })),
      "text",
    ),
    "Signal by category (AUC of the category score alone, where it has data)",
    formatRecords(
      r.signals.filter((s) => s.kind === "category").map((s) => ({ category: s.id, coverage: pct(s.coverage), auc: num(s.auc) })),
      "text",
    ),
    ...withoutDataLines(r.measures_without_data),
  ];
  return `${lines.join("\n")}`;
}

/** The formula's measures that had no usable data, and why: their weight went to the others. */
export function withoutDataLines(measures: readonly { measure: string; category: string; reason: string }[]): string[] {
  if (measures.length === 0) return ["Every measure of the formula had usable data."];
  return [
    `Measures without usable data (${measures.length}; their weight is shared by the others)`,
    formatRecords(
      measures.map((m) => ({ measure: m.measure, category: m.category, reason: m.reason })),
      "text",
    ),
  ];
}
