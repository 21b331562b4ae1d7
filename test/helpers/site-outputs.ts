/**
 * Stand-ins for the outputs of stages not yet on main (alerts, expansion, cohorts: issue 4;
 * backtest, lead times, what-if sample: issue 6), derived from a real engine run with DuckDB.
 * Their columns and JSON fields are exactly those the stages write on their branches
 * (src/alerts/alerts.ts ALERT_COLUMNS, src/expansion/expansion.ts EXPANSION_COLUMNS,
 * src/sql/cohorts/cohorts.sql, src/backtest/backtest.ts BacktestReport, src/sql/backtest/*.sql),
 * so the pages read the real layout; the values are plausible, not the stages' logic. A file the
 * engine run already wrote (its stage has landed) is left alone.
 */
import { listValue } from "@duckdb/node-api";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { literal, withDatabase, type Database } from "../../src/db/duckdb.ts";

/** Adds the stand-in files missing from an engine output directory. */
export async function addStandInOutputs(dir: string): Promise<void> {
  const file = (name: string) => literal(path.join(dir, name));
  const missing = (name: string) => !existsSync(path.join(dir, name));
  await withDatabase(async (db) => {
    await db.run(`
      create view h as select * from read_parquet(${file("account_health_weekly.parquet")});
      create view a as select * from read_parquet(${file("accounts.parquet")});
      create view last_week as select max(week_end) as week_end from h;`);
    if (missing("alerts.parquet")) await alerts(db, file("alerts.parquet"));
    if (missing("expansion.parquet")) await expansion(db, file("expansion.parquet"));
    if (missing("cohorts.parquet")) await cohorts(db, file("cohorts.parquet"));
    if (missing("backtest.json")) await backtest(db, dir, file);
  });
}

async function alerts(db: Database, target: string): Promise<void> {
  await db.run(`copy (
    select h.account_id || '|score_drop|' || strftime(h.week_end, '%Y-%m-%d') as alert_id, h.account_id, a.account_name,
           'score_drop' as kind, case when h.score < 40 then 'high' else 'medium' end as severity,
           h.week_end as raised_week_end, h.as_of as raised_as_of, null::date as cleared_week_end,
           true as is_open, 'open' as status, (select week_end from last_week) as last_seen_week_end, 1 as weeks_active,
           'Score fell ' || round(-h.score_change_4w)::integer || ' points in 4 weeks' as reason,
           ['licence_utilisation', 'usage_trend_8w'] as drivers, 'adoption' as category_id,
           'Re-onboard the team.' as playbook, 'category:adoption' as playbook_source,
           h.score, h.score_4w_ago as score_before, h.tier, a.arr, a.renewal_date,
           (a.renewal_date - h.week_end)::integer as days_to_renewal, a.segment, a.csm_owner, h.formula_hash
    from h join a using (account_id)
    where h.score_change_4w <= -10
    qualify row_number() over (partition by h.account_id order by h.week_end) = 1
    order by raised_week_end, account_id, kind
  ) to ${target} (format parquet)`);
}

async function expansion(db: Database, target: string): Promise<void> {
  await db.run(`copy (
    select row_number() over (order by a.arr desc, a.account_id)::integer as rank, a.account_id, a.account_name, a.segment, a.plan, a.csm_owner,
           a.arr, a.seats_purchased as seats, (a.seats_purchased * 0.92)::integer as active_users, a.score, a.tier,
           0.92 as licence_utilisation, 0.12 as active_users_trend_8w, 0.06 as breadth_trend_8w,
           1 as higher_plan_requests, ['api'] as requested_features, 'enterprise' as target_plan,
           ['92% of seats used', 'active users +12% over 8 weeks'] as signals,
           2 as extra_seats, round(a.arr * 0.1) as seat_potential_arr, round(a.arr * 0.15) as plan_potential_arr,
           round(a.arr * 0.25) as potential_arr, (select week_end from last_week) as week_end, 'x' as formula_hash
    from a where not a.is_churned and a.score >= 80
  ) to ${target} (format parquet)`);
}

async function cohorts(db: Database, target: string): Promise<void> {
  const tiers = (await db.all<{ tier: string }>("select distinct tier from h where tier is not null order by tier")).map((t) => t.tier);
  const tierColumns = tiers.map((t) => `count(*) filter (where h.tier = ${literal(t)})::integer as "${t}"`).join(", ");
  await db.run(`copy (
    with sizes as (select segment, count(*)::integer as cohort_size from a group by segment)
    select 'segment' as dimension, a.segment as cohort, h.week_start, h.week_end, count(*)::integer as accounts,
           any_value(s.cohort_size) as cohort_size, count(*) / any_value(s.cohort_size) as retained_share, sum(a.arr) as arr,
           avg(h.score) as mean_score, median(h.score) as median_score, count(*) filter (where h.score is null)::integer as unscored,
           ${tierColumns}, any_value(h.formula_hash) as formula_hash
    from h join a using (account_id) join sizes as s on s.segment = a.segment
    group by a.segment, h.week_start, h.week_end
    order by cohort, week_start
  ) to ${target} (format parquet)`);
}

/** backtest.json (the fields of BacktestReport the site reads, and the rest in shape), lead_times and whatif_sample. */
async function backtest(db: Database, dir: string, file: (name: string) => string): Promise<void> {
  // labelled, uncensored account-weeks: churned within 90 days of the week's end
  await db.run(`create table labelled as
    select h.*, a.segment, a.arr as account_arr, a.churned_at, coalesce(a.churned_at <= h.week_end + interval 90 day, false) as label,
           case when h.score < h.uncapped_score then h.score end as cap_score
    from h join a using (account_id)
    where h.week_end + interval 90 day <= (select week_end from last_week) and h.score is not null`);
  await db.run(`copy (
    select account_id, week_end, segment, label, score, tier, uncapped_score, cap_score, columns('^category_'), formula_hash
    from labelled order by account_id, week_end
  ) to ${file("whatif_sample.parquet")} (format parquet)`);
  await db.run(`copy (
    select a.account_id, a.churned_at, a.segment, a.arr, max(h.week_end) as last_week_end, arg_max(h.tier, h.week_end) as last_tier,
           min(h.week_end) filter (where h.tier = 'at_risk') as first_at_risk_week_end,
           (date_diff('day', min(h.as_of) filter (where h.tier = 'at_risk'), a.churned_at) // 7)::integer as lead_weeks_at_risk,
           count(*) filter (where h.tier = 'at_risk')::integer as at_risk_weeks,
           null::date as first_alert_week_end, null::varchar as first_alert_kind, null::integer as lead_weeks_alert,
           any_value(h.formula_hash) as formula_hash
    from a join h using (account_id) where a.is_churned group by a.account_id, a.churned_at, a.segment, a.arr
    order by churned_at, account_id
  ) to ${file("lead_times.parquet")} (format parquet)`);

  const scope = async (where: string) => {
    const base = (await db.one<{ r: number; rows: number; positives: number; accounts: number }>(
      `select avg(label::integer) as r, count(*)::integer as rows, count(*) filter (where label)::integer as positives,
              count(distinct account_id)::integer as accounts from labelled where ${where}`))!;
    const flag = async (tiers: string[]) => {
      const f = (await db.one<{ flagged: number; tp: number }>(
        `select count(*) filter (where list_contains($tiers, tier))::integer as flagged,
                count(*) filter (where list_contains($tiers, tier) and label)::integer as tp from labelled where ${where}`, { tiers: listValue(tiers) }))!;
      return { tiers, flagged: f.flagged, precision: f.flagged ? f.tp / f.flagged : null, recall: base.positives ? f.tp / base.positives : null };
    };
    const roc = await db.all(`
      select t::double as threshold,
             count(*) filter (where score <= t and not label) / greatest(count(*) filter (where not label), 1) as fpr,
             count(*) filter (where score <= t and label) / greatest(count(*) filter (where label), 1) as tpr
      from labelled, range(0, 101, 10) as r(t) where ${where} group by t order by t`);
    const lift = await db.all<{ tier: string; rows: number; churned: number; churn_rate: number }>(`
      select tier, tier as label, count(*)::integer as rows, count(*) filter (where label)::integer as churned, avg(label::integer) as churn_rate
      from labelled where ${where} group by tier order by tier`);
    const calibration = await db.all(`
      select least(floor(score / 10), 9)::integer * 10 || '-' || (least(floor(score / 10), 9)::integer + 1) * 10 as band,
             least(floor(score / 10), 9)::integer * 10 as score_from, (least(floor(score / 10), 9)::integer + 1) * 10 as score_to,
             count(*)::integer as rows, count(*) filter (where label)::integer as churned, avg(label::integer) as churn_rate,
             avg(score) as mean_score, 0.5 as mean_risk_percentile
      from labelled where ${where} group by all order by score_from`);
    const leads = await db.all<{ weeks: number; accounts: number }>(`
      select lead_weeks_at_risk as weeks, count(*)::integer as accounts from read_parquet(${file("lead_times.parquet")})
      where lead_weeks_at_risk is not null and ${where} group by 1 order by 1`);
    const churned = leads.reduce((n, l) => n + l.accounts, 0);
    return {
      rows: base.rows, positives: base.positives, accounts: base.accounts, base_rate: base.r ?? 0, auc: 0.8,
      at_risk: await flag(["at_risk"]), at_risk_or_watch: await flag(["at_risk", "watch"]),
      top_decile_lift: 3.1, top_decile: { rows: Math.round(base.rows / 10), churned: 0, churn_rate: 0 },
      roc, lift_by_tier: lift.map((t) => ({ ...t, lift: base.r ? t.churn_rate / base.r : null })), calibration,
      lead_time: { churned_accounts: churned, flagged: churned, share_flagged: 1, share_flagged_4w: 0.5, share_flagged_6w: 0.3, median_lead_weeks: 5, histogram: leads },
      alert_lead_time: null,
    };
  };
  const segments = [];
  for (const { segment } of await db.all<{ segment: string }>("select distinct segment from labelled order by segment")) {
    segments.push({ segment, ...(await scope(`segment = ${literal(segment)}`)) });
  }
  writeFileSync(path.join(dir, "backtest.json"), JSON.stringify({
    formula: { name: "stand-in", hash: "x", file: "default-formula.yaml" }, formula_hash: "x", exported_at: new Date(0).toISOString(),
    horizon: "90d", horizon_days: 90, lookback_weeks: 26, period: { from_week_end: null, to_week_end: null, last_uncensored_week_end: null },
    tiers: [], counts: {}, alerts_available: false,
    overall: await scope("true"),
    segments,
    signals: [], definitions: { auc: "Probability that a positive account-week scores lower than a negative one." },
  }));
}
