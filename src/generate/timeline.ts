/**
 * Each account's story: its scenario, when the planted behaviour starts, whether and when it churns
 * (and why, as a CRM would record it), and the knobs of its trajectory, into `gen_accounts`. Then the
 * weekly activity level that usage, tickets and surveys follow, into `gen_account_weeks`.
 */
import type { Database } from "../db/duckdb.ts";

const ACCOUNTS_SQL = `
create or replace table gen_accounts as
with joined as (
  select b.*, e.first_anniversary, e.churn_renewal, e.span_from,
    coalesce(s.scenario, 'baseline') as scenario,
    coalesce(s.churns, false) as churns,
    coalesce(s.span_days, 0) as span_days
  from gen_account_base b
  join gen_eligibility e using (i)
  left join gen_assignments s using (i)
), signalled as (
  select *,
    case
      when scenario in ('baseline', 'silent_churn') then null
      when scenario in ('stalled_onboarding', 'low_utilisation_power_users') then contract_start
      when scenario = 'expansion'
        then greatest(span_from, getvariable('end_date') - 7 * between_int(u('lead', i, 0), 20, 40))
      when churns and scenario = 'usage_decline_churn' then churn_renewal - 7 * between_int(u('lead', i, 0), 4, 10)
      when churns and scenario = 'champion_left_churn' then churn_renewal - 7 * between_int(u('lead', i, 0), 8, 20)
      when churns and scenario = 'p0_bug_storm' then churn_renewal - 7 * between_int(u('lead', i, 0), 8, 26)
      when churns and scenario = 'promoter_decline' then churn_renewal - 7 * between_int(u('lead', i, 0), 12, 20)
      when churns and scenario = 'merger_acquisition' then churn_renewal - 7 * between_int(u('lead', i, 0), 13, 26)
      else span_from + floor(u('signal', i, 0) * (getvariable('end_date') - 14 - span_days - span_from + 1))::integer
    end as raw_signal
  from joined
), dated as (
  select *,
    case when raw_signal is null then null
         when scenario in ('stalled_onboarding', 'low_utilisation_power_users') then raw_signal
         else greatest(raw_signal, getvariable('start_date'), contract_start + 28) end as signal_date,
    -- the churn the story leads to if nobody saves the account (src/generate/interventions.ts)
    case
      when not churns then null
      when scenario = 'stalled_onboarding' then first_anniversary
      when scenario = 'bankruptcy' then greatest(raw_signal, getvariable('start_date'), contract_start + 28) + between_int(u('churn-lag', i, 0), 28, 91)
      else churn_renewal
    end as would_churn_date
  from signalled
), settled as (
  -- an account the team's action saved (gen_saves) renews instead of churning
  select d.*, s.i is not null as saved_by_action, if(s.i is null, d.would_churn_date, null) as churn_date
  from dated d left join gen_saves s using (i)
)
select *,
  case when churn_date is null then null
       when scenario = 'bankruptcy' then churn_date::timestamp + to_seconds(between_int(u('churn-time', i, 0), 8 * 3600, 18 * 3600))
       else churn_date::timestamp end as churned_at,
  case scenario
    when 'usage_decline_churn' then if(u('reason', i, 0) < 0.7, pick(getvariable('churn_adoption'), u('reason', i, 1)), pick(getvariable('churn_budget'), u('reason', i, 1)))
    when 'champion_left_churn' then if(u('reason', i, 0) < 0.7, pick(getvariable('churn_people'), u('reason', i, 1)), pick(getvariable('churn_adoption'), u('reason', i, 1)))
    when 'p0_bug_storm' then if(u('reason', i, 0) < 0.75, pick(getvariable('churn_quality'), u('reason', i, 1)), pick(getvariable('churn_budget'), u('reason', i, 1)))
    when 'stalled_onboarding' then if(u('reason', i, 0) < 0.8, pick(getvariable('churn_onboarding'), u('reason', i, 1)), pick(getvariable('churn_adoption'), u('reason', i, 1)))
    when 'promoter_decline' then if(u('reason', i, 0) < 0.5, pick(getvariable('churn_adoption'), u('reason', i, 1)), pick(getvariable('churn_budget'), u('reason', i, 1)))
    when 'merger_acquisition' then pick(getvariable('churn_corporate'), u('reason', i, 1))
    when 'bankruptcy' then pick(getvariable('churn_bankruptcy'), u('reason', i, 1))
    else pick(getvariable('churn_budget'), u('reason', i, 1))
  end as churn_reason_if_churned,
  -- the activity level the trajectory bottoms out at
  case scenario
    when 'usage_decline_churn' then 0.2 + 0.2 * u('depth', i, 0)
    when 'champion_left_churn' then 0.45 + 0.2 * u('depth', i, 0)
    when 'p0_bug_storm' then 0.6 + 0.15 * u('depth', i, 0)
    when 'stalled_onboarding' then 0.3 + 0.15 * u('depth', i, 0)
    when 'promoter_decline' then 0.5 + 0.2 * u('depth', i, 0)
    when 'merger_acquisition' then 0.55 + 0.15 * u('depth', i, 0)
    when 'bankruptcy' then 0.25 + 0.15 * u('depth', i, 0)
    when 'decline_recover' then 0.6 + 0.1 * u('depth', i, 0)
    else 1.0
  end as floor_level,
  -- how long the planted change takes (days)
  case scenario
    when 'promoter_decline' then between_int(u('ramp', i, 0), 56, 84)
    when 'decline_recover' then between_int(u('ramp', i, 0), 28, 56)
    when 'p0_bug_storm' then between_int(u('ramp', i, 0), 14, 28)
    when 'expansion' then 84
    when 'sponsor_left' then between_int(u('ramp', i, 0), 28, 84)
    when 'champion_left_churn' then between_int(u('ramp', i, 0), 0, 21)
    else 0
  end as ramp_days,
  -- a yes/no variant: sponsor_left replaced, champion_left with the sponsor, stalled never live,
  -- expansion signed, low utilisation contracted at renewal
  case scenario
    when 'sponsor_left' then u('variant', i, 0) < 0.5
    when 'champion_left_churn' then has_sponsor and u('variant', i, 0) < 0.4
    when 'stalled_onboarding' then u('variant', i, 0) < 0.4
    when 'expansion' then u('variant', i, 0) < 0.5
    when 'low_utilisation_power_users' then u('variant', i, 0) < 0.6
    else false
  end as variant,
  -- the key person who leaves in sponsor_left
  case when scenario = 'sponsor_left' then
    if(has_sponsor and u('who-leaves', i, 0) < 0.6, 'executive_sponsor', 'champion') end as leaving_role,
  -- share of purchased seats in use
  case scenario
    when 'low_utilisation_power_users' then 0.25 + 0.1 * u('utilisation', i, 0)
    when 'expansion' then 0.8 + 0.07 * u('utilisation', i, 0)
    when 'stalled_onboarding' then 0.55 + 0.25 * u('utilisation', i, 0)
    else 0.6 + 0.35 * u('utilisation', i, 0)
  end as utilisation,
  -- days planned from kick-off to go-live
  case segment when 'enterprise' then 90 when 'mid_market' then 60 else 30 end as go_live_days,
  -- background noise: a gentle trend over the window and, for some, a dip that means nothing
  0.12 * gauss('trend', i, 0) as trend,
  scenario in ('baseline', 'silent_churn', 'low_utilisation_power_users', 'expansion') and u('noise-dip', i, 0) < 0.12 as has_noise_dip,
  getvariable('start_date') + floor(u('noise-dip', i, 1) * (getvariable('days') - 35))::integer as noise_dip_start,
  between_int(u('noise-dip', i, 2), 14, 35) as noise_dip_days,
  0.2 + 0.2 * u('noise-dip', i, 3) as noise_dip_depth
from settled`;

const WEEKS_SQL = `
create or replace table gen_account_weeks as
with grid as (
  select a.i, a.scenario, a.churns, a.contract_start, a.churn_date, a.signal_date, a.floor_level, a.ramp_days,
    a.variant, a.go_live_days, a.trend, a.has_noise_dip, a.noise_dip_start, a.noise_dip_days, a.noise_dip_depth,
    a.saved_by_action, a.would_churn_date,
    w.w, date_of(7 * w.w) as week_start,
    date_of(7 * w.w) - a.signal_date as x,
    -- the story's lead-up runs to the churn it would reach, saved or not: nothing before it changes
    greatest(a.would_churn_date - a.signal_date, 7) as lead_days
  from gen_accounts a cross join range(getvariable('weeks')) w(w)
), storied as (
  select *,
    week_start + 6 >= contract_start and (churn_date is null or week_start < churn_date) as is_active,
    case
      when scenario = 'stalled_onboarding' then floor_level
      else least(1.0, 0.35 + 0.65 * greatest(week_start + 3 - contract_start, 0) / go_live_days)
    end as ramp,
    case scenario
      when 'usage_decline_churn' then 1 - (1 - floor_level) * pow(clamp(x / lead_days, 0, 1), 0.35)
      when 'champion_left_churn' then 1 - (1 - floor_level) * clamp(x / lead_days, 0, 1)
      when 'sponsor_left' then if(x >= 0 and (not variant or x < ramp_days + 14), 0.85, 1.0)
      when 'p0_bug_storm' then case
        when x >= 0 and x < ramp_days then 0.85
        when churns and x >= ramp_days
          then 1 - (1 - floor_level) * clamp((x - ramp_days) / greatest(lead_days - ramp_days, 7), 0, 1)
        else 1.0 end
      when 'promoter_decline' then 1 - (1 - floor_level) * clamp(x / ramp_days, 0, 1)
      when 'expansion' then 1 + 0.3 * clamp(x / ramp_days, 0, 1)
      when 'merger_acquisition' then
        if(churns, 1 - (1 - floor_level) * clamp(x / lead_days, 0, 1), if(x between 0 and 41, 0.9, 1.0))
      when 'bankruptcy' then 1 - (1 - floor_level) * sqrt(clamp(x / lead_days, 0, 1))
      when 'decline_recover' then case
        when x >= 0 and x < ramp_days then floor_level
        when x >= ramp_days and x < ramp_days + 14 then floor_level + (1 - floor_level) * (x - ramp_days) / 14
        else 1.0 end
      else 1.0
    end as planted,
    if(has_noise_dip and week_start >= noise_dip_start and week_start < noise_dip_start + noise_dip_days,
       1 - noise_dip_depth, 1.0) as noise_dip,
    1 + trend * (w / getvariable('weeks') - 0.5) as drift,
    exp(0.12 * gauss('week-noise', i, w)) as week_noise
  from grid
), shaped as (
  -- a saved account renews at the churn it would have reached and recovers to normal over six weeks
  select *,
    if(saved_by_action and week_start >= would_churn_date,
       ramp * planted + (1 - ramp * planted) * clamp((week_start - would_churn_date) / 42, 0, 1),
       ramp * planted) as story_level
  from storied
)
select i, w, week_start, is_active,
  if(is_active, greatest(story_level * noise_dip * drift * week_noise, 0.02), 0.0) as level,
  if(is_active, story_level, 0.0) as planted_level
from shaped`;

/**
 * Builds `gen_accounts` (needs `gen_account_base`, `gen_eligibility`, `gen_assignments`, and `gen_saves`
 * if the team's actions have been planned) and `gen_account_weeks`.
 */
export async function buildTimeline(db: Database): Promise<void> {
  // the accounts the team's action saved: none until src/generate/interventions.ts has planned them
  await db.run("create table if not exists gen_saves (i bigint primary key)");
  await db.run(ACCOUNTS_SQL);
  await db.run(WEEKS_SQL);
}
