/**
 * Help-desk tickets into `gen_tickets`: a background rate that grows with the number of users, more
 * questions while onboarding stalls, and the planted P0/P1 storms. Close times follow the severity;
 * tickets whose close would fall after the export are still open. About 60% of closed tickets carry
 * a CSAT that follows the account's state.
 */
import type { Database } from "../db/duckdb.ts";

const TICKETS_SQL = `
create or replace table gen_tickets as
with weeks as (
  select w.i, w.w, w.week_start, w.planted_level, a.scenario, a.churns, a.signal_date, a.ramp_days, a.churn_date,
    a.contract_start, a.region,
    greatest(1, round(a.seats0 * a.utilisation)) as users,
    a.scenario = 'p0_bug_storm' and w.week_start >= a.signal_date and w.week_start < a.signal_date + a.ramp_days as in_storm
  from gen_account_weeks w join gen_accounts a using (i)
  where w.is_active
), candidates as (
  select weeks.*, k.k, false as storm,
    0.06 * pow(users, 0.6) * if(scenario = 'stalled_onboarding', 1.5, 1.0) as rate
  from weeks cross join range(8) k(k)
  union all
  select weeks.*, k.k + 8, true, 3.5
  from weeks cross join range(6) k(k)
  where in_storm
), drawn as (
  select *, w * 16 + k as tkey
  from candidates
  where u('ticket', i, w * 16 + k) < rate / if(storm, 6, 8)
), shaped as (
  select *,
    week_start + if(storm, between_int(u('ticket-day', i, tkey), 0, 4), between_int(u('ticket-day', i, tkey), 0, 6)) as opened_day,
    u('severity', i, tkey) as r_severity,
    u('kind', i, tkey) as r_kind
  from drawn
), classified as (
  select *,
    case
      when storm then if(r_severity < 0.35, 'P0', 'P1')
      when r_severity < 0.02 then 'P0' when r_severity < 0.12 then 'P1' when r_severity < 0.52 then 'P2' else 'P3'
    end as severity
  from shaped
  where opened_day >= contract_start and opened_day <= getvariable('end_date')
    and (churn_date is null or opened_day < churn_date)
), timed as (
  select *,
    case
      when storm then if(r_kind < 0.55, 'bug', 'incident')
      when severity = 'P0' then if(r_kind < 0.7, 'incident', 'bug')
      when severity = 'P1' then case when r_kind < 0.5 then 'bug' when r_kind < 0.7 then 'incident' else 'question' end
      else case when r_kind < (case when scenario = 'stalled_onboarding' then 0.7 else 0.5 end) then 'question'
                when r_kind < 0.85 then 'bug' else 'feature_request' end
    end as kind,
    instant(day_of(opened_day), office_second(region, u('ticket-time', i, tkey))) as opened_at,
    -- hours to close: log-normal around a median set by severity; storms take longer
    (case severity when 'P0' then 6 when 'P1' then 30 when 'P2' then 90 else 150 end
      * if(storm, 2.0, 1.0) * exp(0.8 * gauss('ticket-hours', i, tkey))) as hours_open
  from classified
), closed as (
  select *,
    opened_at + to_seconds(round(hours_open * 3600)::bigint) as would_close
  from timed
)
select i, tkey, storm, severity, kind, opened_at,
  if(would_close < getvariable('export_ts'), would_close, null) as closed_at,
  case
    when would_close >= getvariable('export_ts') then if(u('pending', i, tkey) < 0.4, 'pending', 'open')
    when would_close >= getvariable('export_ts') - interval 4 day then 'solved'
    else 'closed'
  end as status,
  case when would_close < getvariable('export_ts') and u('csat-given', i, tkey) < 0.6 then
    clamp(round(
      case
        when storm then 1.8
        when scenario = 'stalled_onboarding' then 3.2
        when scenario in ('usage_decline_churn', 'champion_left_churn', 'p0_bug_storm') and churns and opened_day >= signal_date then 3.6
        else 4.4
      end + 0.9 * gauss('csat', i, tkey)), 1, 5)::integer
  end as csat_score,
  u('requester', i, tkey) as r_requester
from closed`;

const TICKETS_OUT_SQL = `
create or replace table out_support_tickets as
with requesters as (
  -- someone at the account at the time, rarely the executive sponsor
  select t.i, t.tkey, c.contact_id,
    row_number() over (partition by t.i, t.tkey
      order by u('requester', t.i, t.tkey * 1000 + c.contact_no) * if(c.role = 'executive_sponsor', 8, 1), c.contact_no) as rn
  from gen_tickets t
  join gen_contacts c on c.i = t.i and c.joined_at <= t.opened_at and (c.left_at is null or c.left_at > t.opened_at)
), numbered as (
  select t.*, a.account_id, r.contact_id,
    row_number() over (order by t.opened_at, t.i, t.tkey) as ticket_no,
    count(*) over () as total
  from gen_tickets t
  join gen_accounts a using (i)
  left join requesters r on r.i = t.i and r.tkey = t.tkey and r.rn = 1
)
select 'TKT-' || lpad(ticket_no::varchar, greatest(6, length(total::varchar))::integer, '0') as ticket_id,
  account_id, contact_id, opened_at, closed_at, severity, kind, status, csat_score
from numbered`;

/** Builds `gen_tickets` and the export-shaped `out_support_tickets`. */
export async function buildSupportTickets(db: Database): Promise<void> {
  await db.run(TICKETS_SQL);
  await db.run(TICKETS_OUT_SQL);
}
