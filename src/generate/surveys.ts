/**
 * Survey answers into `out_survey_responses`: the relationship NPS sent twice a year (mid-March and
 * mid-September) to key contacts and a sample of users, about 30% of whom answer; and occasional
 * in-app CSAT/CES answers. Scores follow the account's state, except that the planted promoters keep
 * answering 9-10 while their usage falls.
 */
import type { Database } from "../db/duckdb.ts";

const SURVEYS_SQL = `
create or replace table gen_survey_answers as
with campaigns as (
  select make_date(y::integer, m::integer, 10) as campaign_day
  from range(year(getvariable('start_date')), year(getvariable('end_date')) + 1) t(y)
  cross join (values (3), (9)) months(m)
), state as (
  select a.i, a.scenario, a.churns, a.signal_date, a.ramp_days, a.churn_date, a.contract_start, a.region,
    a.variant, 0.8 * gauss('mood', a.i, 0) as mood
  from gen_accounts a
), nps_sent as (
  select c.i, c.contact_no, c.contact_id, c.role, c.okey, s.*, cp.campaign_day,
    cp.campaign_day + floor(pow(u('nps-day', c.contact_no, epoch(cp.campaign_day)), 2) * 14)::integer as answer_day
  from campaigns cp
  join gen_contacts c on c.joined_day <= cp.campaign_day and (c.left_day is null or c.left_day > cp.campaign_day)
  join state s on s.i = c.i
  where cp.campaign_day between getvariable('start_date') and getvariable('end_date')
    and s.contract_start <= cp.campaign_day - 30
    and (s.churn_date is null or s.churn_date > cp.campaign_day)
    and (c.is_key or u('nps-sample', c.contact_no, epoch(cp.campaign_day)) < 0.5)
), nps as (
  select n.*, 'nps' as survey, epoch(n.campaign_day)::bigint as skey,
    w.planted_level
  from nps_sent n
  join gen_account_weeks w on w.i = n.i and w.w = least(getvariable('weeks') - 1, (n.answer_day - getvariable('start_date')) // 7)
  where u('nps-answers', n.contact_no, epoch(n.campaign_day)) <
      case when n.scenario = 'promoter_decline' and n.role <> 'end_user' then 0.6
           when n.role = 'executive_sponsor' then 0.2 else 0.3 end
    and n.answer_day <= getvariable('end_date')
    and (n.churn_date is null or n.answer_day < n.churn_date)
), quarters as (
  select q.q, getvariable('start_date') + (91 * q.q)::integer as quarter_start
  from range((getvariable('days') + 90) // 91) q(q)
), pulse as (
  select c.i, c.contact_no, c.contact_id, c.role, c.okey, c.joined_day, c.left_day, s.*, qs.quarter_start as campaign_day,
    qs.quarter_start + floor(u('pulse-day', c.contact_no, qs.q) * 91)::integer as answer_day,
    'pulse' as survey, qs.q::bigint as skey, w.planted_level
  from quarters qs
  join gen_contacts c on c.persona <> 'idle'
  join state s on s.i = c.i
  join gen_account_weeks w on w.i = c.i
    and w.w = least(getvariable('weeks') - 1, (qs.quarter_start + floor(u('pulse-day', c.contact_no, qs.q) * 91)::integer
                                                - getvariable('start_date')) // 7)
  where u('pulse', c.contact_no, qs.q) < 0.08
), pulse_valid as (
  select * from pulse p
  where p.answer_day <= getvariable('end_date')
    and p.answer_day >= p.contract_start
    and p.answer_day > p.joined_day
    and (p.left_day is null or p.answer_day < p.left_day)
    and (p.churn_date is null or p.answer_day < p.churn_date)
), answered as (
  select i, contact_no, contact_id, role, scenario, churns, signal_date, ramp_days, variant, mood, region,
    answer_day, survey, skey, planted_level from nps
  union all
  select i, contact_no, contact_id, role, scenario, churns, signal_date, ramp_days, variant, mood, region,
    answer_day, survey, skey, planted_level from pulse_valid
), scored as (
  select *,
    answer_day >= coalesce(signal_date, date '9999-12-31') as after_signal,
    -- how the account feels, on the NPS scale
    case
      when scenario = 'promoter_decline' then 9.6
      when scenario = 'stalled_onboarding' then 5.0
      when scenario = 'p0_bug_storm' and answer_day >= signal_date then if(churns, 4.5, 5.8)
      when scenario = 'usage_decline_churn' and answer_day >= signal_date then 5.5
      when scenario = 'champion_left_churn' and answer_day >= signal_date then 6.0
      when scenario = 'sponsor_left' and answer_day >= signal_date then 6.5
      when scenario = 'bankruptcy' and answer_day >= signal_date then 5.0
      when scenario = 'merger_acquisition' and answer_day >= signal_date then 6.5
      when scenario = 'decline_recover' and answer_day >= signal_date and answer_day < signal_date + ramp_days + 14 then 6.5
      when scenario = 'expansion' then 8.8
      when scenario = 'low_utilisation_power_users' then 8.2
      else 7.4 + 3 * (least(planted_level, 1.2) - 1)
    end + if(scenario = 'promoter_decline', 0, mood) as mood_nps
  from answered
)
select i, contact_no, contact_id, answer_day, survey, skey, region,
  instant(day_of(answer_day), office_second(region, u('answer-time', contact_no, skey))) as responded_at,
  case when survey = 'nps' then
    case when scenario = 'promoter_decline' and role <> 'end_user' then 9 + (u('nps', contact_no, skey) < 0.55)::integer
         else clamp(round(mood_nps + 1.7 * gauss('nps', contact_no, skey)), 0, 10) end
  end::integer as nps,
  case when survey = 'pulse' and u('pulse-kind', contact_no, skey) < 0.9 then
    clamp(round(4.2 + (mood_nps - 7.4) * 0.45 + 0.8 * gauss('csat', contact_no, skey)), 1, 5)
  end::integer as csat,
  u('pulse-kind', contact_no, skey) as r_kind,
  mood_nps
from scored`;

const SURVEYS_OUT_SQL = `
create or replace table out_survey_responses as
with shaped as (
  select g.*, a.account_id,
    case when survey = 'pulse' and (r_kind >= 0.9 or u('ces-asked', contact_no, skey) < 0.6) then
      clamp(round(5.3 + (mood_nps - 7.4) * 0.5 + 0.9 * gauss('ces', contact_no, skey)), 1, 7)
    end::integer as ces,
    u('comment', contact_no, skey) as r_comment
  from gen_survey_answers g join gen_accounts a using (i)
), numbered as (
  select *, row_number() over (order by responded_at, i, contact_no, survey, skey) as response_no, count(*) over () as total
  from shaped
)
select 'RSP-' || lpad(response_no::varchar, greatest(6, length(total::varchar))::integer, '0') as response_id,
  account_id,
  -- some in-app answers are anonymous
  if(survey = 'pulse' and u('anonymous', contact_no, skey) < 0.03, null, contact_id) as contact_id,
  responded_at, nps, csat, ces,
  case when r_comment < 0.25 then
    case when coalesce(nps >= 9, csat >= 5, false) then pick(getvariable('promoter_comments'), u('comment-text', contact_no, skey))
         when coalesce(nps <= 6, csat <= 2, false) then pick(getvariable('detractor_comments'), u('comment-text', contact_no, skey))
         else pick(getvariable('passive_comments'), u('comment-text', contact_no, skey)) end
  end as comment
from numbered`;

/** Builds `gen_survey_answers` and the export-shaped `out_survey_responses`. */
export async function buildSurveys(db: Database): Promise<void> {
  await db.run(SURVEYS_SQL);
  await db.run(SURVEYS_OUT_SQL);
}
