/**
 * The backtest: does the weekly health score predict the churn that followed? After the engine
 * (and the alerts stage, when there is one) has run, it labels every scored account-week of the
 * period with whether the account churned within the horizon after it (censoring every week whose
 * horizon runs past the export, churned or not), measures the score against those labels overall
 * and per segment (AUC within each week, and pooled), measures how many weeks ahead each churned
 * account was flagged at risk and alerted beside how often survivors got the same flag in a window
 * of the same length, and how often each kind of alert was followed by churn.
 */
import path from "node:path";
import { ident, type Database } from "../db/duckdb.ts";
import type { HealthRun, MeasureWithoutData } from "../health/engine.ts";
import type { OutputBatch } from "../output/publish.ts";
import { render, sqlFile } from "../sql/files.ts";
import { buildModel, relationsInDatabase } from "../sql/graph.ts";
import { aucSql, fullMetrics, scoreCountsSql, tierFlags, type FullMetrics } from "./metrics.ts";
import { horizonLabel, LEAD_WEEKS_SHARES, type BacktestOptions } from "./options.ts";

/**
 * Survivors flagged in a window as long as a churner's: the mean, over the reference weeks, of the
 * share of survivors whose window ends at that week's as_of that got the flag in it (lead_summary.sql).
 */
export type FalseAlarmSummary = {
  /** Accounts without churn in the period with at least one observable window. */
  survivor_accounts: number;
  /** Labelled weeks whose as_of ends an observable survivor window. */
  reference_weeks: number;
  share_flagged: number | null;
  share_flagged_4w: number | null;
  share_flagged_6w: number | null;
};

export type LeadTimeSummary = {
  /** Churned accounts whose warning window is observable: the denominators of the shares. */
  churned_accounts: number;
  /** Churned accounts left out: their window starts before the period or reaches its censored weeks. */
  churned_left_out: number;
  /** Churned accounts flagged at risk (or alerted) within the lookback before their churn. */
  flagged: number;
  share_flagged: number | null;
  share_flagged_4w: number | null;
  share_flagged_6w: number | null;
  median_lead_weeks: number | null;
  /** The same flag on survivors, beside each share. */
  false_alarm: FalseAlarmSummary;
  /** Churned accounts by whole weeks of lead, 0 to the lookback; never-flagged ones are not in it. */
  histogram: { weeks: number; accounts: number }[];
};

/** How often one kind of alert (kind null: every kind) was followed by churn (alert_precision.sql). */
export type AlertPrecision = {
  kind: string | null;
  alerts: number;
  labelled: number;
  followed_by_churn: number;
  precision: number | null;
  lift: number | null;
  alerts_per_account_year: number | null;
};

export type ScopeReport = FullMetrics & {
  lead_time: LeadTimeSummary;
  /** Same figures for the first alert; null when the run has no alerts table. */
  alert_lead_time: LeadTimeSummary | null;
};

export type SignalAuc = {
  kind: "category" | "measure";
  category_id: string;
  id: string;
  rows_with_data: number;
  coverage: number;
  auc: number | null;
};

export type BacktestReport = {
  formula: { name: string; hash: string; file: string };
  formula_hash: string;
  exported_at: string;
  horizon: string;
  horizon_days: number;
  lookback_weeks: number;
  period: {
    from_week_end: string | null;
    to_week_end: string | null;
    /** The last week_end whose horizon ends by the export: later weeks are censored unless they churned. */
    last_uncensored_week_end: string | null;
  };
  tiers: { id: string; label: string; min: number; position: number }[];
  counts: {
    account_weeks: number;
    labelled: number;
    /** Weeks whose horizon runs past the export, churned or not: left out of every metric. */
    censored: number;
    /** Of those, weeks of accounts that churned before the export (an older rule kept them as positives). */
    censored_churned: number;
    positives: number;
    negatives: number;
    accounts: number;
    /** Accounts with at least one labelled week followed by churn. */
    churned_accounts: number;
    /** Account-weeks of the period with no category data at all (no score to rank); left out. */
    without_data: number;
  };
  alerts_available: boolean;
  /** Precision and rate of each alert kind, then of all together (kind null); null without alerts. */
  alert_kinds: AlertPrecision[] | null;
  overall: ScopeReport;
  segments: (ScopeReport & { segment: string })[];
  /** AUC of each category and measure score on its own: where the signal is. */
  signals: SignalAuc[];
  /** The formula's measures with no usable data in this book, and why (the engine's run: health_summary.json too). */
  measures_without_data: MeasureWithoutData[];
  definitions: Record<string, string>;
};

/** The `alerts` fragment of lead_times.sql when the run has no alerts table. */
const NO_ALERTS = "(select null::varchar as account_id, null::varchar as kind, null::date as raised_week_end where false)";

const ALL = "all";
const SEGMENT = "segment:";

/** Creates backtest_weeks and lead_times (the models of src/sql/backtest) for the scored warehouse in `db` (scored by `health`) and returns the report. */
export async function buildBacktest(
  db: Database,
  health: Pick<HealthRun, "formula" | "measuresWithoutData">,
  options: BacktestOptions,
): Promise<BacktestReport> {
  const formula = health.formula;
  const tierIds = formula.formula.tiers.map((t) => t.id);
  const flags = tierFlags(tierIds);
  // a table, or a view over the Parquet of a book scored in account batches (src/health/account-batches.ts)
  const hasAlerts = (await relationsInDatabase(db)).has("alerts");

  // the models of stage "backtest": backtest_weeks, then lead_times over it
  await createBacktestWeeks(db, options);
  await createLeadTimes(db, "lead_times", "backtest_weeks", hasAlerts, options.lookbackWeeks, flags.atRiskPosition);

  await db.run(
    `create or replace temp table backtest_scoped as
    select $all as scope, * from backtest_weeks where not censored
    union all
    select $segment || segment as scope, * from backtest_weeks where not censored`,
    { all: ALL, segment: SEGMENT },
  );
  await db.run(
    `create or replace temp table lead_windows_scoped as
    select $all as scope, * from lead_times
    union all
    select $segment || segment as scope, * from lead_times`,
    { all: ALL, segment: SEGMENT },
  );

  const metrics = await fullMetrics(db, "backtest_scoped", tierIds);
  const leads = await leadTimeSummaries(db, "lead_windows_scoped", options.lookbackWeeks);
  const scopeReport = (scope: string): ScopeReport => {
    const m = metrics.get(scope);
    if (!m) throw new Error(`backtest: no labelled account-weeks for scope ${scope}`);
    const lead = leads.get(scope) ?? emptyLeads(options.lookbackWeeks);
    return { ...m, lead_time: lead.atRisk, alert_lead_time: hasAlerts ? lead.alert : null };
  };

  const counts = await db.one<BacktestReport["counts"]>(
    `select
      count(*)::integer as account_weeks,
      count(*) filter (where not censored)::integer as labelled,
      count(*) filter (where censored)::integer as censored,
      count(*) filter (where censored and churned_at is not null)::integer as censored_churned,
      count(*) filter (where label)::integer as positives,
      count(*) filter (where not label)::integer as negatives,
      count(distinct account_id)::integer as accounts,
      count(distinct account_id) filter (where label)::integer as churned_accounts,
      (select count(*) from account_health_weekly h
        where h.uncapped_score is null
          and ($from is null or h.week_end >= $from::date)
          and ($to is null or h.week_end <= $to::date))::integer as without_data
    from backtest_weeks`,
    { from: options.from, to: options.to },
  );
  if (!counts || counts.labelled === 0)
    throw new BacktestDataError(
      "no labelled account-weeks in the period: every week is censored or unscored (widen --from/--to or shorten --horizon)",
    );
  if (counts.positives === 0)
    throw new BacktestDataError("no account churned within the horizon of any week of the period: nothing to predict");
  if (counts.negatives === 0) throw new BacktestDataError("every labelled account-week churned within the horizon: nothing to tell apart");

  const period = await db.one<{ from_week_end: string | null; to_week_end: string | null; last_uncensored_week_end: string | null }>(
    `select
      strftime(min(week_end), '%Y-%m-%d') as from_week_end,
      strftime(max(week_end), '%Y-%m-%d') as to_week_end,
      strftime(max(week_end) filter (where as_of + to_days($horizon_days) <= (select exported_at from run_context)), '%Y-%m-%d') as last_uncensored_week_end
    from backtest_weeks`,
    { horizon_days: options.horizonDays },
  );
  const exported = await db.one<{ exported_at: Date }>("select exported_at from run_context");
  const segments = (
    await db.all<{ segment: string }>("select distinct segment from backtest_weeks where not censored order by segment")
  ).map((r) => r.segment);
  const alertKinds = hasAlerts
    ? (await db.all<AlertPrecision>(render(sqlFile("backtest/alert_precision.sql"), { weeks: "backtest_weeks", alerts: "alerts" }))).filter(
        (k) => k.alerts > 0,
      )
    : null;
  const signals = await db.all<SignalAuc>(
    render(sqlFile("backtest/signal_auc.sql"), { counts: scoreCountsSql("scoped"), auc: aucSql("counts") }),
  );

  return {
    formula: { name: formula.formula.name, hash: formula.hash, file: path.basename(formula.file) },
    formula_hash: formula.hash,
    exported_at: exported!.exported_at.toISOString(),
    horizon: horizonLabel(options.horizonDays),
    horizon_days: options.horizonDays,
    lookback_weeks: options.lookbackWeeks,
    period: period!,
    tiers: formula.formula.tiers.map((t, position) => ({ id: t.id, label: t.label, min: t.min, position })),
    counts,
    alerts_available: hasAlerts,
    alert_kinds: alertKinds,
    overall: scopeReport(ALL),
    segments: segments.filter((s) => metrics.has(SEGMENT + s)).map((segment) => ({ segment, ...scopeReport(SEGMENT + segment) })),
    signals,
    measures_without_data: health.measuresWithoutData,
    definitions: definitions(options, tierIds),
  };
}

/** Creates `backtest_weeks`: the scored account-weeks of the period, labelled (see backtest_weeks.sql). */
export async function createBacktestWeeks(db: Database, options: Pick<BacktestOptions, "horizonDays" | "from" | "to">): Promise<void> {
  await buildModel(db, "backtest_weeks", { params: { horizon_days: options.horizonDays, from: options.from, to: options.to } });
}

/**
 * Warning windows are built for buckets of accounts holding about this many weeks each, then put
 * together: every window reads its own account's weeks and alerts only, and the whole of a 100k-account
 * book at once (8M weeks) ran out of DuckDB's 2.5 GB limit inside the query itself (0.16 GB of tables
 * resident). A book of up to a million backtest weeks (10k accounts) is built in one piece.
 */
export const LEAD_WEEKS_PER_BUCKET = 1_000_000;

/**
 * Creates table `name` of warning windows (see lead_times.sql: one per churn episode, one per survivor's
 * labelled week) of `weeks`, a relation shaped like backtest_weeks (label null when censored);
 * alerts come from the `alerts` table when `hasAlerts`. Built in account buckets of about
 * `weeksPerBucket` weeks (the same rows in the same order as in one piece).
 */
export async function createLeadTimes(
  db: Database,
  name: string,
  weeks: string,
  hasAlerts: boolean,
  lookbackWeeks: number,
  atRiskPosition: number,
  weeksPerBucket = LEAD_WEEKS_PER_BUCKET,
): Promise<void> {
  const alerts = hasAlerts ? "alerts" : NO_ALERTS;
  const params = { lookback_weeks: lookbackWeeks, at_risk_position: atRiskPosition };
  const rows = Number((await db.one<{ rows: bigint }>(`select count(*) as rows from ${weeks}`))?.rows ?? 0);
  const buckets = Math.max(1, Math.ceil(rows / weeksPerBucket));
  if (buckets === 1) {
    await buildModel(db, "lead_times", { fragments: { alerts, weeks, period: weeks }, params }, name);
    return;
  }
  const inBucket = (relation: string, bucket: number) => `(select * from ${relation} where hash(account_id) % ${buckets} = ${bucket})`;
  const parts = Array.from({ length: buckets }, (_, bucket) => `${name}_bucket_${bucket}`);
  for (const [bucket, part] of parts.entries())
    await buildModel(
      db,
      "lead_times",
      { fragments: { alerts: inBucket(alerts, bucket), weeks: inBucket(weeks, bucket), period: weeks }, params },
      part,
    );
  // lead_times.sql's own order (its key), so the rows come out as from one piece
  await db.run(
    `create or replace table ${ident(name)} as
     select * from (${parts.map((part) => `select * from ${ident(part)}`).join(" union all ")})
     order by churned desc, ends_at, account_id`,
  );
  for (const part of parts) await db.run(`drop table ${ident(part)}`);
}

/** The period has nothing to measure: bad input for the command, not a bug. */
export class BacktestDataError extends Error {
  readonly exitCode = 3;
  override name = "BacktestDataError";
}

type LeadRow = {
  scope: string;
  churned_accounts: number;
  flagged: number;
  flagged_a: number;
  flagged_b: number;
  median_lead_weeks: number | null;
  alerted: number;
  alerted_a: number;
  alerted_b: number;
  median_alert_lead_weeks: number | null;
  churned_left_out: number;
  survivor_accounts: number;
  reference_weeks: number;
  false_flagged: number | null;
  false_flagged_a: number | null;
  false_flagged_b: number | null;
  false_alerted: number | null;
  false_alerted_a: number | null;
  false_alerted_b: number | null;
};

/**
 * Lead-time shares, medians and histograms per scope of a relation of lead_times rows (warning
 * windows, churners' and survivors') with a scope, each share with its false-alarm share beside it.
 */
export async function leadTimeSummaries(
  db: Database,
  relation: string,
  lookbackWeeks: number,
): Promise<Map<string, { atRisk: LeadTimeSummary; alert: LeadTimeSummary }>> {
  const [weeksA, weeksB] = LEAD_WEEKS_SHARES;
  const rows = await db.all<LeadRow>(render(sqlFile("backtest/lead_summary.sql"), { leads: relation }), {
    weeks_a: weeksA,
    weeks_b: weeksB,
  });
  const bins = await db.all<{ scope: string; weeks: number; accounts: number; alerted: number }>(
    render(sqlFile("backtest/lead_histogram.sql"), { leads: relation }),
    { lookback_weeks: lookbackWeeks },
  );
  const share = (n: number, of: number) => (of > 0 ? n / of : null);
  return new Map(
    rows.map((r) => {
      const scopeBins = bins.filter((b) => b.scope === r.scope);
      const survivors = { survivor_accounts: r.survivor_accounts, reference_weeks: r.reference_weeks };
      return [
        r.scope,
        {
          atRisk: {
            churned_accounts: r.churned_accounts,
            churned_left_out: r.churned_left_out,
            flagged: r.flagged,
            share_flagged: share(r.flagged, r.churned_accounts),
            share_flagged_4w: share(r.flagged_a, r.churned_accounts),
            share_flagged_6w: share(r.flagged_b, r.churned_accounts),
            median_lead_weeks: r.median_lead_weeks,
            false_alarm: {
              ...survivors,
              share_flagged: r.false_flagged,
              share_flagged_4w: r.false_flagged_a,
              share_flagged_6w: r.false_flagged_b,
            },
            histogram: scopeBins.map((b) => ({ weeks: b.weeks, accounts: b.accounts })),
          },
          alert: {
            churned_accounts: r.churned_accounts,
            churned_left_out: r.churned_left_out,
            flagged: r.alerted,
            share_flagged: share(r.alerted, r.churned_accounts),
            share_flagged_4w: share(r.alerted_a, r.churned_accounts),
            share_flagged_6w: share(r.alerted_b, r.churned_accounts),
            median_lead_weeks: r.median_alert_lead_weeks,
            false_alarm: {
              ...survivors,
              share_flagged: r.false_alerted,
              share_flagged_4w: r.false_alerted_a,
              share_flagged_6w: r.false_alerted_b,
            },
            histogram: scopeBins.map((b) => ({ weeks: b.weeks, accounts: b.alerted })),
          },
        },
      ];
    }),
  );
}

/** The lead-time summary of a scope without any churned account or survivor window. */
export function emptyLeadTimeSummary(lookbackWeeks: number): LeadTimeSummary {
  return {
    churned_accounts: 0,
    churned_left_out: 0,
    flagged: 0,
    share_flagged: null,
    share_flagged_4w: null,
    share_flagged_6w: null,
    median_lead_weeks: null,
    false_alarm: { survivor_accounts: 0, reference_weeks: 0, share_flagged: null, share_flagged_4w: null, share_flagged_6w: null },
    histogram: Array.from({ length: lookbackWeeks + 1 }, (_, weeks) => ({ weeks, accounts: 0 })),
  };
}

function emptyLeads(lookbackWeeks: number): { atRisk: LeadTimeSummary; alert: LeadTimeSummary } {
  const empty = emptyLeadTimeSummary(lookbackWeeks);
  return { atRisk: empty, alert: empty };
}

function definitions(options: BacktestOptions, tierIds: readonly string[]): Record<string, string> {
  const flags = tierFlags(tierIds);
  const h = horizonLabel(options.horizonDays);
  return {
    label: `An account-week is positive when the account churned within ${h} after the week's as_of (the Monday after the week, when its score became known), negative when it did not.`,
    censored: `An account-week whose ${h} horizon runs past the export is censored, whether the account churned or not: neither positive nor negative, and left out of every metric. The same rule for both classes, so that the last weeks of the history hold no churners without survivors beside them.`,
    auc: `Time-stratified AUC, the headline: within each week, the probability that a positive account-week scores lower than a negative one of the same week (ties count one half); then the plain mean over the weeks. A week with only positives or only negatives has no pair: it is skipped, and counted. 0.5 is a coin toss, 1 a perfect ranking.`,
    pooled_auc:
      "The same probability over every pair of labelled account-weeks, whatever their weeks: it also rewards a score that drifts with the calendar while churn does.",
    average_precision:
      "Area under the precision-recall curve (average precision): flagging account-weeks from the lowest score up, the precision at each score threshold weighted by the share of positives it adds. A random score gets about the base rate.",
    at_risk: `Flagged = in the worst tier (${flags.atRisk.join(", ")}); at_risk_or_watch = in one of the two worst (${flags.watch.join(", ")}). Precision = flagged weeks that churned; recall = churning weeks flagged.`,
    lift: "Churn rate of a group of account-weeks divided by the base rate of all labelled account-weeks of the same scope.",
    top_decile_lift:
      "Churn rate of the tenth of account-weeks with the lowest scores (ties broken by account and week), divided by the base rate; that churn rate is the precision in the top decile.",
    calibration:
      "Account-weeks by 10-point score band: observed churn rate, mean score, and mean risk percentile (0 = safest week, 1 = riskiest).",
    lead_time: `For each churn within ${h} of a week of the period (each departure of a customer that left, came back and left again counts once): whole weeks from the as_of of its first at-risk week within the ${options.lookbackWeeks} weeks before the churn (its warning window) to the churn. Only churns whose whole window is observable count: it starts no earlier than the period's first week and holds no censored week; the others are left out and counted. Accounts not flagged in their window count as misses.`,
    false_alarm: `Beside each lead-time share: the same flag on accounts that did not churn. Every labelled week of a survivor (a week not followed by a churn of the period: an account that never churned, or its weeks after it came back) ends a window of the same ${options.lookbackWeeks} weeks, observable by the same rule; for each such week, the share of survivors flagged in the window ending at its as_of (at least 4 or 6 weeks before its end, for those shares); then the plain mean over the weeks.`,
    alert_lead_time: `The same with the first alert of any kind raised in the ${options.lookbackWeeks} weeks before the churn (known the Monday after its week).`,
    alert_kinds: `Per alert kind: alerts raised in a week of the period; precision = share of the alerts whose ${h} horizon is observable (the week they were raised in is labelled) followed by churn within it; lift = that precision over the base rate; alerts per account-year = alerts per 52.18 scored account-weeks.`,
    signals:
      "AUC of each category and measure score alone (pooled), over the labelled account-weeks where it has data; coverage is the share of those weeks with data.",
  };
}

/** Adds backtest.json, backtest_weeks.parquet and lead_times.parquet to a batch, after `buildBacktest`. */
export async function writeBacktestOutputs(report: BacktestReport, batch: OutputBatch): Promise<void> {
  await batch.parquet(
    "backtest_weeks",
    `select w.account_id, w.week_start, w.week_end, w.segment, w.arr, w.score, w.tier, w.label, w.censored, w.churned_at,
       columns('^category_'), i.formula_hash
     from backtest_weeks as w cross join formula_info as i
     order by w.account_id, w.week_start`,
  );
  await batch.parquet(
    "lead_times",
    `select l.* exclude (churned, ends_at), i.formula_hash
     from lead_times as l cross join formula_info as i
     where l.churned
     order by l.churned_at, l.account_id`,
  );
  batch.json("backtest", report);
}
