/**
 * Classification metrics of a health score against churn labels, computed in DuckDB over any
 * relation of labelled, uncensored account-weeks that has the columns scope, account_id,
 * week_start, score, label and tier_position. Each scope (overall, a segment, a tuning candidate)
 * gets its own figures from the same queries: the one definition of each metric, used by the
 * command's text, backtest.json and the Validation page alike.
 */
import type { Database } from "../db/duckdb.ts";
import { render, sqlFile } from "../sql/files.ts";

/** Positions (0 = best) of the tiers that count as flags: the worst, and the worst two. */
export type TierFlags = {
  atRiskPosition: number;
  watchPosition: number;
};

export type FlagMetrics = {
  /** Tier ids flagged, worst last. */
  tiers: string[];
  flagged: number;
  precision: number | null;
  recall: number | null;
};

export type TierLift = {
  tier: string;
  label: string;
  rows: number;
  churned: number;
  churn_rate: number | null;
  lift: number | null;
};

export type CalibrationBand = {
  band: string;
  score_from: number;
  score_to: number;
  rows: number;
  churned: number;
  churn_rate: number;
  mean_score: number;
  mean_risk_percentile: number;
};

export type RocPoint = {
  /** Weeks scoring this or less are flagged; null for the origin. */
  threshold: number | null;
  fpr: number;
  tpr: number;
};

/** The AUC taken within each week and averaged (metric_auc_weekly.sql). */
export type StratifiedAuc = {
  /** Mean of the weekly AUCs over the weeks with both classes; null when there is none. */
  auc: number | null;
  /** Weeks (week_start) whose AUC entered the mean. */
  weeks: number;
  /** Weeks holding only churners or only survivors: no pair to compare, skipped. */
  single_class_weeks: number;
  /** Labelled account-weeks of those skipped weeks. */
  single_class_rows: number;
};

export type ScoreMetrics = {
  rows: number;
  positives: number;
  accounts: number;
  base_rate: number;
  /** Pooled rank AUC: every churning account-week against every other, whatever their weeks. */
  auc: number | null;
  /** The headline: the AUC within each week, averaged over the weeks. */
  stratified_auc: StratifiedAuc;
  /** Area under the precision-recall curve (average precision); a random score gets the base rate. */
  average_precision: number | null;
  at_risk: FlagMetrics;
  at_risk_or_watch: FlagMetrics;
  top_decile_lift: number | null;
  /** The tenth of account-weeks with the lowest scores; its churn rate is the precision of flagging it. */
  top_decile: { rows: number; churned: number; churn_rate: number };
};

export type FullMetrics = ScoreMetrics & {
  roc: RocPoint[];
  lift_by_tier: TierLift[];
  calibration: CalibrationBand[];
};

type SummaryRow = {
  scope: string;
  rows: number;
  positives: number;
  accounts: number;
  base_rate: number;
  at_risk_flagged: number;
  at_risk_precision: number | null;
  at_risk_recall: number | null;
  watch_flagged: number;
  watch_precision: number | null;
  watch_recall: number | null;
  top_decile_rows: number;
  top_decile_positives: number;
  top_decile_lift: number | null;
};

/** Tier flags for a formula's tiers (best first): at risk is the last tier, watch the one before. */
export function tierFlags(tierIds: readonly string[]): TierFlags & { atRisk: string[]; watch: string[] } {
  const atRiskPosition = tierIds.length - 1;
  const watchPosition = Math.max(0, tierIds.length - 2);
  return { atRiskPosition, watchPosition, atRisk: tierIds.slice(atRiskPosition), watch: tierIds.slice(watchPosition) };
}

/** The positives and negatives of each scope and score of `relation` (scope, score, label): what the AUC counts. */
export function scoreCountsSql(relation: string): string {
  return render(sqlFile("backtest/metric_score_counts.sql"), { rows: relation });
}

/** The rank-based AUC query over `counts` (scope, score, positives, negatives; see scoreCountsSql). */
export function aucSql(counts: string): string {
  return render(sqlFile("backtest/metric_auc.sql"), { counts });
}

/** Rank-based AUC per scope of `relation` (scope, score, label); lower score = higher risk. */
export async function aucByScope(db: Database, relation: string): Promise<Map<string, number | null>> {
  const rows = await db.all<{ scope: string; auc: number | null }>(aucSql(`(${scoreCountsSql(relation)})`));
  return new Map(rows.map((r) => [r.scope, r.auc]));
}

/**
 * Time-stratified AUC per scope of `relation` (scope, week_start, score, label): the rank AUC
 * within each week, averaged over the weeks that hold both classes.
 */
export async function stratifiedAucByScope(db: Database, relation: string): Promise<Map<string, StratifiedAuc>> {
  const sql = render(sqlFile("backtest/metric_auc_weekly.sql"), {
    rows: relation,
    auc: aucSql(`(${scoreCountsSql("stratified")})`),
  });
  const rows = await db.all<StratifiedAuc & { scope: string }>(sql);
  return new Map(rows.map(({ scope, ...r }) => [scope, r]));
}

/** Average precision (area under the precision-recall curve) per scope of `relation` (scope, score, label). */
export async function averagePrecisionByScope(db: Database, relation: string): Promise<Map<string, number | null>> {
  const rows = await db.all<{ scope: string; average_precision: number | null }>(
    render(sqlFile("backtest/metric_average_precision.sql"), { rows: relation }),
  );
  return new Map(rows.map((r) => [r.scope, r.average_precision]));
}

/** AUC (pooled and time-stratified), average precision, precision and recall of the flags, and top-decile lift, per scope of `relation`. */
export async function scoreMetrics(db: Database, relation: string, tierIds: readonly string[]): Promise<Map<string, ScoreMetrics>> {
  const flags = tierFlags(tierIds);
  const rows = await db.all<SummaryRow>(render(sqlFile("backtest/metric_summary.sql"), { rows: relation }), {
    at_risk_position: flags.atRiskPosition,
    watch_position: flags.watchPosition,
  });
  const auc = await aucByScope(db, relation);
  const stratified = await stratifiedAucByScope(db, relation);
  const ap = await averagePrecisionByScope(db, relation);
  const noWeeks: StratifiedAuc = { auc: null, weeks: 0, single_class_weeks: 0, single_class_rows: 0 };
  return new Map(
    rows.map((r) => [
      r.scope,
      {
        rows: r.rows,
        positives: r.positives,
        accounts: r.accounts,
        base_rate: r.base_rate,
        auc: auc.get(r.scope) ?? null,
        stratified_auc: stratified.get(r.scope) ?? noWeeks,
        average_precision: ap.get(r.scope) ?? null,
        at_risk: { tiers: flags.atRisk, flagged: r.at_risk_flagged, precision: r.at_risk_precision, recall: r.at_risk_recall },
        at_risk_or_watch: { tiers: flags.watch, flagged: r.watch_flagged, precision: r.watch_precision, recall: r.watch_recall },
        top_decile_lift: r.top_decile_lift,
        top_decile: { rows: r.top_decile_rows, churned: r.top_decile_positives, churn_rate: r.top_decile_positives / r.top_decile_rows },
      },
    ]),
  );
}

/** Everything of `scoreMetrics` plus the ROC curve (at most `maxRocPoints`), lift by tier and calibration. */
export async function fullMetrics(
  db: Database,
  relation: string,
  tierIds: readonly string[],
  maxRocPoints = 200,
): Promise<Map<string, FullMetrics>> {
  const summary = await scoreMetrics(db, relation, tierIds);
  const roc = await db.all<RocPoint & { scope: string }>(render(sqlFile("backtest/metric_roc.sql"), { rows: relation }), {
    max_points: maxRocPoints - 1,
  });
  const tiers = await db.all<TierLift & { scope: string }>(render(sqlFile("backtest/metric_tiers.sql"), { rows: relation }));
  const bands = await db.all<CalibrationBand & { scope: string }>(render(sqlFile("backtest/metric_calibration.sql"), { rows: relation }));
  const out = new Map<string, FullMetrics>();
  for (const [scope, metrics] of summary) {
    out.set(scope, {
      ...metrics,
      roc: roc.filter((r) => r.scope === scope).map(({ scope: _, ...point }) => point),
      lift_by_tier: tiers.filter((t) => t.scope === scope).map(({ scope: _, ...tier }) => tier),
      calibration: bands.filter((b) => b.scope === scope).map(({ scope: _, ...band }) => band),
    });
  }
  return out;
}
