/** Renders a backtest report for the terminal: headline figures, tables, and a per-scope summary. */
import { formatRecords, type OutputFormat } from "../cli/output.ts";
import type { BacktestReport, LeadTimeSummary, ScopeReport } from "./backtest.ts";

const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? "-" : `${(v * 100).toFixed(digits)}%`);
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? "-" : v.toFixed(digits));
const times = (v: number | null | undefined) => (v === null || v === undefined ? "-" : `${v.toFixed(2)}x`);

/** One row per scope (overall, then each segment) with the headline figures. */
export function scopeSummaries(report: BacktestReport): Record<string, unknown>[] {
  const row = (scope: string, s: ScopeReport) => ({
    scope,
    account_weeks: s.rows,
    churned_weeks: s.positives,
    base_rate: s.base_rate,
    auc: s.auc,
    at_risk_precision: s.at_risk.precision,
    at_risk_recall: s.at_risk.recall,
    watch_precision: s.at_risk_or_watch.precision,
    watch_recall: s.at_risk_or_watch.recall,
    top_decile_lift: s.top_decile_lift,
    churned_accounts: s.lead_time.churned_accounts,
    flagged_4w_share: s.lead_time.share_flagged_4w,
    flagged_6w_share: s.lead_time.share_flagged_6w,
    alerted_4w_share: s.alert_lead_time?.share_flagged_4w ?? null,
    alerted_6w_share: s.alert_lead_time?.share_flagged_6w ?? null,
  });
  return [row("all", report.overall), ...report.segments.map((s) => row(`segment ${s.segment}`, s))];
}

/** The report as text, CSV (the per-scope summary) or JSON (everything). */
export function formatBacktest(report: BacktestReport, format: OutputFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format === "csv") return formatRecords(scopeSummaries(report), "csv");
  return backtestText(report);
}

function leadLine(name: string, lead: LeadTimeSummary | null, lookback: number): string {
  if (!lead) return `${name}: no alerts in this run`;
  return (
    `${name}: ${pct(lead.share_flagged_4w)} of ${lead.churned_accounts} churned accounts at least 4 weeks ahead, ` +
    `${pct(lead.share_flagged_6w)} at least 6; ${lead.flagged} flagged at all within ${lookback} weeks ` +
    `(median lead ${lead.median_lead_weeks === null ? "-" : `${lead.median_lead_weeks} weeks`})`
  );
}

function backtestText(r: BacktestReport): string {
  const o = r.overall;
  const c = r.counts;
  const lines = [
    `Backtest of "${r.formula.name}" (${r.formula_hash}), churn within ${r.horizon}, weeks ending ${r.period.from_week_end} to ${r.period.to_week_end}`,
    `Account-weeks: ${c.labelled} labelled (${c.positives} followed by churn: base rate ${pct(o.base_rate, 2)}), ${c.censored} censored (horizon past the export), ${c.without_data} without data; ${c.accounts} accounts, ${c.churned_accounts} churned.`,
    "",
    `AUC                 ${num(o.auc)}   (0.5 = coin toss, 1 = perfect)`,
    `Top-decile lift     ${times(o.top_decile_lift)}   (churn rate of the lowest-scoring 10% of account-weeks vs base)`,
    `At risk             precision ${pct(o.at_risk.precision)}, recall ${pct(o.at_risk.recall)} (${o.at_risk.flagged} weeks in ${o.at_risk.tiers.join(", ")})`,
    `At risk or watch    precision ${pct(o.at_risk_or_watch.precision)}, recall ${pct(o.at_risk_or_watch.recall)} (${o.at_risk_or_watch.flagged} weeks in ${o.at_risk_or_watch.tiers.join(", ")})`,
    leadLine("Flagged at risk", o.lead_time, r.lookback_weeks),
    leadLine("First alert", o.alert_lead_time, r.lookback_weeks),
    "",
    "Churn by tier",
    formatRecords(
      o.lift_by_tier.map((t) => ({ tier: t.tier, account_weeks: t.rows, churned: t.churned, churn_rate: pct(t.churn_rate), lift: times(t.lift) })),
      "text",
    ),
    "Calibration by score band",
    formatRecords(
      o.calibration.map((b) => ({ band: b.band, account_weeks: b.rows, churned: b.churned, churn_rate: pct(b.churn_rate), mean_score: num(b.mean_score, 1) })),
      "text",
    ),
    "By segment",
    formatRecords(
      scopeSummaries(r).map((s) => ({
        scope: s.scope,
        account_weeks: s.account_weeks,
        base_rate: pct(s.base_rate as number, 2),
        auc: num(s.auc as number | null),
        at_risk_precision: pct(s.at_risk_precision as number | null),
        at_risk_recall: pct(s.at_risk_recall as number | null),
        top_decile_lift: times(s.top_decile_lift as number | null),
        churned_accounts: s.churned_accounts,
        flagged_4w: pct(s.flagged_4w_share as number | null),
        flagged_6w: pct(s.flagged_6w_share as number | null),
      })),
      "text",
    ),
    "Signal by category (AUC of the category score alone, where it has data)",
    formatRecords(
      r.signals
        .filter((s) => s.kind === "category")
        .map((s) => ({ category: s.id, coverage: pct(s.coverage), auc: num(s.auc) })),
      "text",
    ),
  ];
  return `${lines.join("\n")}`;
}
