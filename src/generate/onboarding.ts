/**
 * Onboarding projects for accounts that signed in the window or in the half year before it, into
 * `out_onboarding_projects` and `out_onboarding_status_updates`. The go-live target depends on the
 * segment (about 30, 60, 90 days); most projects go live near it with weekly updates that are mostly
 * green. Planted stalls go yellow, then red, and go live 30-90 days late or never.
 */
import type { Database } from "../db/duckdb.ts";

const PROJECTS_SQL = `
create or replace table gen_projects as
with started as (
  select a.i, a.account_id, a.scenario, a.variant, a.region, a.churn_date, a.go_live_days,
    a.contract_start + between_int(u('kickoff', a.i, 0), 1, 6) as started_day
  from gen_accounts a
  where a.contract_start >= getvariable('start_date') - 180
), planned as (
  select *,
    started_day + go_live_days + between_int(u('target', i, 0), -5, 10) as target_day
  from started
  where started_day <= getvariable('end_date')
), landed as (
  select *,
    case
      when scenario = 'stalled_onboarding' and variant then null
      when scenario = 'stalled_onboarding' then target_day + between_int(u('late', i, 0), 30, 90)
      else greatest(started_day + 10, target_day + round(3 + 8 * gauss('go-live', i, 0))::integer)
    end as planned_live_day
  from planned
)
select *,
  -- not live yet at the export, or the customer left first
  if(planned_live_day <= getvariable('end_date') and (churn_date is null or planned_live_day < churn_date),
     planned_live_day, null) as live_day,
  row_number() over (order by started_day, i) as project_no,
  count(*) over () as total
from landed`;

const PROJECTS_OUT_SQL = `
create or replace table out_onboarding_projects as
select 'ONB-' || lpad(project_no::varchar, greatest(5, length(total::varchar))::integer, '0') as project_id,
  account_id,
  instant(day_of(started_day), office_second(region, u('kickoff-time', i, 0))) as started_at,
  target_day as target_go_live_date,
  if(live_day is null, null, instant(day_of(live_day), office_second(region, u('live-time', i, 0)))) as go_live_at
from gen_projects`;

const UPDATES_OUT_SQL = `
create or replace table out_onboarding_status_updates as
with weeks as (
  select p.*, n.n, p.started_day + (1 + 7 * n.n)::integer as update_day,
    -- a planted stall is green for a few weeks, then yellow, then red
    between_int(u('stall-yellow', p.i, 0), 2, 3) as yellow_from,
    between_int(u('stall-red', p.i, 0), 5, 7) as red_from
  from gen_projects p cross join range(40) n(n)
), kept as (
  select * from weeks
  where update_day <= getvariable('end_date')
    and (churn_date is null or update_day < churn_date)
    and update_day < coalesce(live_day, planned_live_day, date '9999-12-31')
)
select 'ONB-' || lpad(project_no::varchar, greatest(5, length(total::varchar))::integer, '0') as project_id,
  instant(day_of(update_day), 16 * 3600 + between_int(u('update-time', i, n), 0, 3599)) as updated_at,
  case
    when scenario = 'stalled_onboarding' then
      case when n < yellow_from then 'green'
           when n < red_from then if(u('status', i, n) < 0.85, 'yellow', 'red')
           else if(u('status', i, n) < 0.85, 'red', 'yellow') end
    when update_day > target_day then
      case when u('status', i, n) < 0.5 then 'yellow' when u('status', i, n) < 0.7 then 'red' else 'green' end
    else case when u('status', i, n) < 0.86 then 'green' when u('status', i, n) < 0.97 then 'yellow' else 'red' end
  end as status
from kept`;

/** Builds `gen_projects` and the export-shaped onboarding tables. */
export async function buildOnboarding(db: Database): Promise<void> {
  await db.run(PROJECTS_SQL);
  await db.run(PROJECTS_OUT_SQL);
  await db.run(UPDATES_OUT_SQL);
}
