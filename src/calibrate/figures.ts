/**
 * The later-period figures of `health calibrate` for each score it compares (default, calibrated,
 * the peers): AUC pooled and within weeks, top-decile lift, and for the tiered scores the at-risk
 * and watch-or-worse flags' precision, recall, lift, false-alarm share and survivors flagged, read
 * by the backtest's own metrics.
 */
import { scoreMetrics, stratifiedAucByScope, tierFlags, type ScoreMetrics } from "../backtest/metrics.ts";
import type { Database } from "../db/duckdb.ts";

export type FlagFigures = {
  flagged: number;
  precision: number | null;
  recall: number | null;
  /** Churn rate of the band over the base rate. */
  lift: number | null;
  /** Share of the non-churned weeks flagged. */
  false_alarm_share: number | null;
  /** Share of the accounts with no churned week in the period that were flagged at least once. */
  survivor_accounts_flagged: number | null;
};

export type PeriodFigures = {
  rows: number;
  positives: number;
  base_rate: number;
  auc: number | null;
  /** Time-stratified AUC, as the backtest takes it: the AUC within each week, averaged over the weeks with both classes. */
  auc_within_week: number | null;
  top_decile_lift: number | null;
  at_risk: FlagFigures | null;
  watch_or_worse: FlagFigures | null;
};

/** Later-period figures per scope of `relation` (scope, account_id, week_start, score, label, tier_position). */
export async function periodFigures(db: Database, relation: string, tierIds: readonly string[]): Promise<Map<string, PeriodFigures>> {
  const metrics = await scoreMetrics(db, relation, tierIds);
  const flags = tierFlags(tierIds);
  // the backtest's own AUC within weeks (mean over the weeks with both classes), so both commands print one figure
  const byWeek = await stratifiedAucByScope(db, relation);
  const accounts = await db.all<{ scope: string; survivors: number; at_risk: number; watch: number }>(
    `with a as (
       select scope, account_id, bool_or(label) as churned,
              bool_or(tier_position = $at_risk) as at_risk, bool_or(tier_position >= $watch) as watch
       from ${relation} group by scope, account_id)
     select scope, count(*) filter (where not churned)::integer as survivors,
            count(*) filter (where not churned and at_risk)::integer as at_risk,
            count(*) filter (where not churned and watch)::integer as watch
     from a group by scope`,
    { at_risk: flags.atRiskPosition, watch: flags.watchPosition },
  );
  const out = new Map<string, PeriodFigures>();
  for (const [scope, m] of metrics) {
    const acc = accounts.find((a) => a.scope === scope);
    const hasTiers = !scope.startsWith("peer");
    const flag = (f: ScoreMetrics["at_risk"], survivorsFlagged: number | undefined): FlagFigures => {
      const hits = (f.recall ?? 0) * m.positives;
      const negatives = m.rows - m.positives;
      return {
        flagged: f.flagged,
        precision: f.precision,
        recall: f.recall,
        lift: f.precision !== null && m.base_rate > 0 ? f.precision / m.base_rate : null,
        false_alarm_share: negatives > 0 ? (f.flagged - hits) / negatives : null,
        survivor_accounts_flagged: acc && acc.survivors > 0 && survivorsFlagged !== undefined ? survivorsFlagged / acc.survivors : null,
      };
    };
    out.set(scope, {
      rows: m.rows,
      positives: m.positives,
      base_rate: m.base_rate,
      auc: m.auc,
      auc_within_week: byWeek.get(scope)?.auc ?? null,
      top_decile_lift: m.top_decile_lift,
      at_risk: hasTiers ? flag(m.at_risk, acc?.at_risk) : null,
      watch_or_worse: hasTiers ? flag(m.at_risk_or_watch, acc?.watch) : null,
    });
  }
  return out;
}
