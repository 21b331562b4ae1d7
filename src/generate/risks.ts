/**
 * External risk events into `out_external_risk_events`: the planted acquisitions and insolvencies
 * (the latter often preceded by layoffs), plus background layoffs, regulatory changes and
 * acquisitions at accounts that carry on as before.
 */
import type { Database } from "../db/duckdb.ts";

const RISKS_SQL = `
create or replace table out_external_risk_events as
with planted as (
  select i, 0 as rkey, signal_date as event_day, scenario as kind, if(churns, 'high', 'medium') as severity
  from gen_accounts where scenario = 'merger_acquisition'
  union all
  select i, 0, signal_date, 'bankruptcy', 'high' from gen_accounts where scenario = 'bankruptcy'
  union all
  select i, 1, signal_date - between_int(u('layoffs-lead', i, 0), 14, 56), 'layoffs', 'medium'
  from gen_accounts where scenario = 'bankruptcy' and u('layoffs-first', i, 0) < 0.5
), background as (
  select w.i, 10 + w.w * 4 + k.k as rkey,
    w.week_start + between_int(u('risk-day', w.i, w.w * 4 + k.k), 0, 6) as event_day,
    ['layoffs', 'regulatory_change', 'merger_acquisition'][k.k + 1] as kind,
    if(u('risk-severity', w.i, w.w * 4 + k.k) < 0.6, 'low', 'medium') as severity
  from gen_account_weeks w cross join range(3) k(k)
  where w.is_active
    and u('risk', w.i, w.w * 4 + k.k) < [0.04, 0.03, 0.008][k.k + 1] / 52
), events as (
  select * from planted union all select * from background
), kept as (
  select e.*, a.account_id, a.region
  from events e join gen_accounts a using (i)
  where e.event_day between greatest(getvariable('start_date'), a.contract_start) and getvariable('end_date')
    and (a.churn_date is null or e.event_day < a.churn_date)
), numbered as (
  select *, row_number() over (order by event_day, i, rkey) as event_no, count(*) over () as total
  from kept
)
select 'RSK-' || lpad(event_no::varchar, greatest(4, length(total::varchar))::integer, '0') as event_id,
  account_id,
  instant(day_of(event_day), office_second(region, u('risk-time', i, rkey))) as occurred_at,
  kind, severity,
  case kind
    when 'merger_acquisition' then pick(getvariable('risk_merger_acquisition'), u('risk-text', i, rkey))
    when 'bankruptcy' then pick(getvariable('risk_bankruptcy'), u('risk-text', i, rkey))
    when 'layoffs' then pick(getvariable('risk_layoffs'), u('risk-text', i, rkey))
    else pick(getvariable('risk_regulatory_change'), u('risk-text', i, rkey))
  end as description
from numbered`;

/** Builds the export-shaped `out_external_risk_events`. */
export async function buildRiskEvents(db: Database): Promise<void> {
  await db.run(RISKS_SQL);
}
