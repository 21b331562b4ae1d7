/**
 * Feature requests into `out_feature_requests`. Accounts ask now and then, mostly for the same few
 * ideas again and again; accounts heading for expansion ask for features of a higher plan. Each idea
 * has one fate across customers (shipped on a day, or not), and a request's status is what that fate
 * makes of it at the export: shipped, in progress, planned, declined or still open.
 */
import type { Database } from "../db/duckdb.ts";

const REQUESTS_SQL = `
create or replace table gen_requests as
with ideas as (
  select unnest(getvariable('requested_ideas')) as feature, unnest(range(len(getvariable('requested_ideas')))) as idea
), fates as (
  -- about 45% of ideas ship, some of them after the export (so they are planned or in progress today)
  select feature, idea,
    if(u('idea-ships', idea, 0) < 0.45, floor(u('idea-ship-day', idea, 0) * getvariable('days') * 1.25)::integer, null) as ship_d
  from ideas
), weeks as (
  select w.i, w.w, w.week_start, a.segment, a.scenario, a.signal_date, a.plan0, a.contract_start, a.churn_date, a.region,
    case a.segment when 'enterprise' then 3.0 when 'mid_market' then 1.8 else 0.8 end / 52.0 as rate,
    a.scenario = 'expansion' and w.week_start >= a.signal_date as upgrade_asks
  from gen_account_weeks w join gen_accounts a using (i)
  where w.is_active
), drawn as (
  select weeks.*, 0 as k, false as upsell from weeks where u('request', i, w) < rate
  union all
  select weeks.*, 1, true from weeks where upgrade_asks and u('request', i, w * 2 + 1) < 5.0 / 52
), chosen as (
  select *, w * 2 + k as rkey,
    week_start + between_int(u('request-day', i, w * 2 + k), 0, 6) as requested_day,
    -- higher-plan features exist for every plan below enterprise
    plan0 < 3 and (upsell or u('request-upsell', i, w * 2 + k) < 0.15) as asks_higher_plan
  from drawn
), named as (
  select c.*,
    case
      when asks_higher_plan then getvariable('feature_names')[
        getvariable('features_by_plan')[plan0] + 1
        + floor(u('request-feature', i, rkey) * (len(getvariable('feature_names')) - getvariable('features_by_plan')[plan0]))::integer]
      -- each account keeps coming back to a few favourite ideas
      else getvariable('requested_ideas')[1 + (between_int(u('favourite', i, 0), 0, 11)
        + floor(pow(u('request-feature', i, rkey), 2) * 4)::integer) % len(getvariable('requested_ideas'))]
    end as feature,
    case
      when upsell then case when u('priority', i, rkey) < 0.25 then 'medium' when u('priority', i, rkey) < 0.85 then 'high' else 'critical' end
      else case when u('priority', i, rkey) < 0.35 then 'low' when u('priority', i, rkey) < 0.75 then 'medium'
                when u('priority', i, rkey) < 0.95 then 'high' else 'critical' end
    end as priority
  from chosen c
  where requested_day >= contract_start and requested_day <= getvariable('end_date')
    and (churn_date is null or requested_day < churn_date)
)
select n.*, f.ship_d,
  date_of(f.ship_d) as ship_day,
  requested_day + if(asks_higher_plan, between_int(u('decline-lag', i, rkey), 7, 21), between_int(u('decline-lag', i, rkey), 14, 112)) as decline_day,
  u('declined', i, rkey) < if(asks_higher_plan, 0.4, 0.25) as would_decline
from named n left join fates f using (feature)
-- nobody asks for an idea that has already shipped
where f.ship_d is null or n.requested_day < date_of(f.ship_d)`;

const REQUESTS_OUT_SQL = `
create or replace table out_feature_requests as
with statused as (
  select r.*, a.account_id,
    case
      when ship_day is not null and ship_day <= getvariable('end_date') then 'shipped'
      when ship_day is not null and ship_day - getvariable('end_date') <= 60 then 'in_progress'
      when ship_day is not null then 'planned'
      when would_decline and decline_day <= getvariable('end_date') then 'declined'
      when u('planned', i, rkey) < 0.15 and not asks_higher_plan then 'planned'
      else 'open'
    end as status
  from gen_requests r join gen_accounts a using (i)
), numbered as (
  select *,
    instant(day_of(requested_day), office_second(region, u('request-time', i, rkey))) as requested_at,
    row_number() over (order by requested_day, i, rkey) as request_no, count(*) over () as total
  from statused
)
select 'REQ-' || lpad(request_no::varchar, greatest(5, length(total::varchar))::integer, '0') as request_id,
  account_id, feature, priority, status, requested_at,
  if(status = 'shipped', instant(day_of(ship_day), 15 * 3600), null) as shipped_at,
  if(status = 'declined', instant(day_of(decline_day), office_second(region, u('decline-time', i, rkey))), null) as declined_at
from numbered`;

/** Builds `gen_requests` and the export-shaped `out_feature_requests`. */
export async function buildFeatureRequests(db: Database): Promise<void> {
  await db.run(REQUESTS_SQL);
  await db.run(REQUESTS_OUT_SQL);
}
