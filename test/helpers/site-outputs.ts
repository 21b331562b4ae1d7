/**
 * Stand-ins for the outputs other stages will write (alerts, expansion, cohorts, backtest, lead
 * times, what-if sample), derived from a real engine run with DuckDB, in the column layout those
 * stages announced. They let the site's pages and loaders be built and tested before the stages
 * land; the values are plausible, not the stages' logic.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { literal, withDatabase } from "../../src/db/duckdb.ts";

/** Adds the stand-in files to an engine output directory. */
export async function addStandInOutputs(dir: string): Promise<void> {
  const file = (name: string) => literal(path.join(dir, name));
  await withDatabase(async (db) => {
    await db.run(`
      create view h as select * from read_parquet(${file("account_health_weekly.parquet")});
      create view a as select * from read_parquet(${file("accounts.parquet")});
      create view last_week as select max(week_end) as week_end from h;`);
    await db.run(`copy (
      select 'AL' || row_number() over (order by h.week_end, h.account_id) as alert_id, h.account_id, a.account_name,
             'score_drop' as kind, case when h.score < 40 then 'high' else 'medium' end as severity,
             h.week_end as raised_week_end, h.as_of as raised_as_of, null::date as cleared_week_end,
             h.week_end >= (select week_end from last_week) - 28 as is_open,
             'Score fell ' || round(-h.score_change_4w)::integer || ' points in 4 weeks' as reason,
             ['licence_utilisation', 'usage_trend_8w'] as drivers, 'adoption' as category_id,
             'Re-onboard the team.' as playbook, h.score, h.score_4w_ago as score_before, h.tier, a.arr, a.renewal_date,
             (a.renewal_date - h.week_end)::integer as days_to_renewal, a.segment, a.csm_owner, h.formula_hash
      from h join a using (account_id)
      where h.score_change_4w <= -10
      qualify row_number() over (partition by h.account_id order by h.week_end) = 1
    ) to ${file("alerts.parquet")} (format parquet)`);
    await db.run(`copy (
      select row_number() over (order by a.score desc, a.account_id)::integer as rank, a.account_id, a.account_name, a.segment, a.plan, a.csm_owner,
             a.arr, a.seats_purchased as seats, a.score, a.tier, 0.92 as licence_utilisation, 0.12 as active_users_trend_8w, 0.06 as breadth_trend_8w,
             1 as higher_plan_requests, ['seats_nearly_full', 'active_users_growing'] as signals, round(a.arr * 0.25) as potential_arr, 'x' as formula_hash
      from a where not a.is_churned and a.score >= 80
    ) to ${file("expansion.parquet")} (format parquet)`);
    await db.run(`copy (
      with sizes as (select segment, count(*)::integer as cohort_size from a group by segment)
      select 'segment' as dimension, a.segment as cohort, h.week_end, count(*)::integer as accounts,
             any_value(s.cohort_size) as cohort_size, count(*) / any_value(s.cohort_size) as retained_share,
             avg(h.score) as mean_score, median(h.score) as median_score,
             count(*) filter (where h.tier = 'healthy')::integer as healthy, count(*) filter (where h.tier = 'watch')::integer as watch,
             count(*) filter (where h.tier = 'at_risk')::integer as at_risk
      from h join a using (account_id) join sizes as s on s.segment = a.segment group by a.segment, h.week_end
    ) to ${file("cohorts.parquet")} (format parquet)`);
    // labelled, non-censored account-weeks: churned within 90 days of the week's end
    await db.run(`create table labelled as
      select h.*, a.segment, coalesce(a.churned_at <= h.week_end + interval 90 day, false) as label
      from h join a using (account_id)
      where h.week_end + interval 90 day <= (select week_end from last_week) and h.score is not null`);
    await db.run(`copy (select account_id, week_end, columns('^category_'), label, segment, tier, score from labelled) to ${file("whatif_sample.parquet")} (format parquet)`);
    await db.run(`copy (
      select a.account_id, a.churned_at, min(h.week_end) filter (where h.tier = 'at_risk') as first_at_risk_week_end,
             datediff('week', min(h.week_end) filter (where h.tier = 'at_risk'), a.churned_at)::integer as lead_weeks_at_risk,
             null::date as first_alert_week_end, null::integer as lead_weeks_alert, a.segment, a.arr
      from a join h using (account_id) where a.is_churned group by a.account_id, a.churned_at, a.segment, a.arr
    ) to ${file("lead_times.parquet")} (format parquet)`);
    const tiers = await db.all<{ tier: string; churn_rate: number; rows: number }>(
      "select tier, avg(label::integer) as churn_rate, count(*)::integer as rows from labelled group by tier order by tier");
    const base = (await db.one<{ r: number }>("select avg(label::integer) as r from labelled"))?.r ?? 0;
    const roc = await db.all<{ fpr: number; tpr: number }>(`
      select t as threshold,
             count(*) filter (where score < t and not label) / greatest(count(*) filter (where not label), 1) as fpr,
             count(*) filter (where score < t and label) / greatest(count(*) filter (where label), 1) as tpr
      from labelled, range(0, 101, 10) as r(t) group by t order by t`);
    const bands = await db.all<{ band: string; churn_rate: number; rows: number }>(`
      select (floor(score / 20) * 20)::integer || '-' || (floor(score / 20) * 20 + 20)::integer as band, avg(label::integer) as churn_rate, count(*)::integer as rows
      from labelled group by 1 order by 1`);
    const leads = await db.all<{ weeks: number; accounts: number }>(`
      select lead_weeks_at_risk as weeks, count(*)::integer as accounts from read_parquet(${file("lead_times.parquet")})
      where lead_weeks_at_risk is not null group by 1 order by 1`);
    writeFileSync(path.join(dir, "backtest.json"), JSON.stringify({
      horizon: "90d",
      overall: {
        auc: 0.8, base_rate: base, top_decile_lift: 3.1, roc,
        lift_by_tier: tiers.map((t) => ({ ...t, lift: base ? t.churn_rate / base : null })),
        calibration: bands,
        lead_time: { histogram: leads, share_flagged_4w: 0.5, share_flagged_6w: 0.3 },
      },
    }));
  });
}
