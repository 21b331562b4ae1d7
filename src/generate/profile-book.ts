/**
 * A profile book (see `profiles.ts`): a book of business whose behaviour and churn break the demo's
 * assumptions. It reuses the demo's account base (names, segments, seats, contract starts) and
 * builds everything else from a simple behavioural model, all in DuckDB SQL with hash-based draws,
 * so the same seed and options give the same files:
 *
 * 1. each account has its own level of use (log-normal across the book) that wanders week to week
 *    (an AR(1) on the log scale) and follows a season that hits every account the same weeks;
 * 2. people use the product (or buy) day by day from that level, each with a personal share and
 *    holidays, so what the export shows is a noisy, realised version of the level;
 * 3. churn is a weekly hazard computed from what was *realised* before that week, by the profile's
 *    own driver (falling purchase frequency, a quiet single user, fewer active people, a falling
 *    share of the book, low volume per seat), times an unobserved propensity per account, plus a
 *    share of churn with no cause in the data. Events, tickets and surveys stop at churn.
 *
 * Ground truth (why each account churned, its propensity) goes to `_answers/`.
 */
import type { Database } from "../db/duckdb.ts";
import type { Profile } from "./profiles.ts";

/** Weekly churn hazard the book averages to: about 20% of accounts a year. */
const TARGET_WEEKLY_HAZARD = 0.0043;
/** Share of that hazard with no cause in the data (budget, a competitor, a reorganisation). */
const UNEXPLAINED_SHARE = 0.15;
/** Log hazard ratio per standard deviation of the profile's driver (1.2: x3.3 per sd). */
const DRIVER_STRENGTH = 2.4;
/** Log hazard ratio per standard deviation of the unobserved propensity. */
const PROPENSITY_STRENGTH = 0.3;
/** Share of churned accounts that come back 6 to 26 weeks later, in profiles that export churn_events. */
const RETURN_SHARE = 0.35;
/** Persistence of an account's level from week to week (AR(1) coefficient). */
const PERSISTENCE = 0.95;

const ACCOUNTS_SQL = `
create or replace table pf_accounts as
select b.*,
  case getvariable('pf_people')
    when 'single' then 1
    when 'buyers' then between_int(u('pf-buyers', b.i, 0), 1, 4)
    else least(40, greatest(2, round(b.seats0 * (0.5 + 0.45 * u('pf-utilisation', b.i, 0)))))::integer
  end as people,
  case getvariable('pf_people') when 'single' then 1 when 'buyers' then null else b.seats0 end as seats_raw,
  -- the account's own level of use: expected events per person-week, log-normal around the median
  getvariable('pf_epw') * getvariable('event_scale') * exp(0.7 * gauss('pf-rate', b.i, 0)) as rate,
  -- unobserved churn propensity (partly visible in survey answers, where a profile has them)
  gauss('pf-propensity', b.i, 0) as propensity,
  greatest(0, day_of(b.contract_start)) // 7 as first_week,
  day_of(b.contract_start) > 0 as signed_in_window
from gen_account_base b`;

const CONTACTS_SQL = `
create or replace table pf_contacts as
with slots as (
  select a.i, a.account_id, a.email_domain, a.region, a.contract_start, a.has_sponsor, a.people, k.k,
    exp(0.8 * gauss('pf-share', a.i, k.k)) as raw_share
  from pf_accounts a cross join range(40) k(k)
  where k.k < a.people
), numbered as (
  select *,
    raw_share / sum(raw_share) over (partition by i) * people as share,
    row_number() over (order by i, k) as contact_no,
    count(*) over () as total,
    pick(getvariable('first_names'), u('pf-first-name', i, k)) as first_name,
    pick(getvariable('last_names'), u('pf-last-name', i, k)) as last_name
  from slots
), emailed as (
  select *, ascii_slug(first_name, '') || '.' || ascii_slug(last_name, '') as email_local,
    least(getvariable('end_date'), contract_start + if(k = 0, 0, between_int(u('pf-joined', i, k), 0, 56))) as joined_day
  from numbered
)
select i, k, contact_no, account_id, share,
  'CON-' || lpad(contact_no::varchar, greatest(6, length(total::varchar))::integer, '0') as contact_id,
  first_name || ' ' || last_name as full_name,
  email_local
    || if(row_number() over (partition by i, email_local order by contact_no) > 1,
          (row_number() over (partition by i, email_local order by contact_no))::varchar, '')
    || '@' || email_domain as email,
  case
    when not getvariable('pf_roles') then null
    when k = 0 then 'champion'
    when k = 1 and has_sponsor and people >= 3 then 'executive_sponsor'
    when k <= 2 and getvariable('pf_people') = 'team' then 'admin'
    else 'end_user'
  end as role,
  joined_day,
  instant(day_of(joined_day), office_second(region, u('pf-joined-time', i, k))) as joined_at,
  cast(null as timestamp) as left_at
from emailed`;

/** The account's level by week: its own rate, an AR(1) wander on the log scale, a ramp after signing. */
const LEVELS_SQL = `
create or replace table pf_levels as
with eps as (
  select a.i, w.w, gauss('pf-walk', a.i, w.w) as e
  from pf_accounts a cross join range(getvariable('weeks')) w(w)
), walk as (
  select e1.i, e1.w,
    getvariable('pf_volatility') * (
      sum(pow(getvariable('pf_persistence'), e1.w - e2.w) * e2.e)
      + pow(getvariable('pf_persistence'), e1.w + 1) / sqrt(1 - pow(getvariable('pf_persistence'), 2)) * gauss('pf-walk-start', e1.i, 0)
    ) as z
  from eps e1 join eps e2 on e2.i = e1.i and e2.w <= e1.w and e2.w > e1.w - 80
  group by e1.i, e1.w
)
select w.i, w.w, w.z,
  a.rate * exp(w.z) * if(a.signed_in_window, least(1.0, 0.4 + 0.6 * (w.w - a.first_week) / 8.0), 1.0) as level
from walk w join pf_accounts a using (i)
where w.w >= a.first_week`;

/** Book-wide season by day: year-end and summer troughs, the same for every account. */
const SEASON_SQL = `
set variable pf_season_by_day = (
  select list(1 - getvariable('pf_season') * case
      when (m = 12 and dd >= 20) or (m = 1 and dd <= 4) then 1.0
      when (m = 12 and dd >= 13) or (m = 1 and dd <= 11) then 0.6
      when (m = 7 and dd >= 15) or m = 8 then 0.8
      else 0.0 end order by d)
  from (select d, month(date_of(d)) as m, day(date_of(d)) as dd from range(getvariable('days')) t(d)))`;

/** Every event each person would produce if no account churned (churn is applied afterwards). */
const EVENTS_SQL = `
create or replace table pf_all_events as
with days as (
  select c.i, c.k, c.contact_no, c.contact_id, c.account_id, c.joined_day, c.share, l.level, l.w * 7 + dd.x as d
  from pf_contacts c
  join pf_levels l on l.i = c.i
  cross join range(7) dd(x)
), person_days as (
  select *,
    level * share * getvariable('pf_season_by_day')[d + 1]
      * if(d % 7 >= 5, 0.25, 1.3) / 7.0
      * if(u('pf-holiday', contact_no, d // 7) < 0.05, 0.05, 1.0) as mu
  from days
  where d >= day_of(joined_day) and d < getvariable('days')
), active as (
  select *, getvariable('pf_epd') as epd
  from person_days
  where u('pf-active', contact_no, d) < 1 - exp(-mu / getvariable('pf_epd'))
), counted as (
  select *,
    least(30, if(epd <= 1.0001, 1, 1 + floor(ln(u('pf-events', contact_no, d)) / ln(1 - 1 / epd))))::integer as n,
    getvariable('pf_office_start') + floor(u('pf-session', contact_no, d) * 9 * 3600)::integer as session_start
  from active
)
select c.i, c.k, c.contact_no, c.contact_id, c.account_id, c.d, e.e,
  instant(c.d, least(86399, c.session_start + e.e * 240 + floor(u('pf-time', c.contact_no, c.d * 64 + e.e) * 200))) as occurred_at,
  getvariable('pf_features')[1 + floor(pow(u('pf-feature', c.contact_no, c.d * 64 + e.e), 1.6) * len(getvariable('pf_features')))::integer] as feature,
  if(getvariable('pf_people') = 'buyers', 1 + floor(exp(0.9 * gauss('pf-quantity', c.contact_no, c.d * 64 + e.e))),
     if(u('pf-quantity', c.contact_no, c.d * 64 + e.e) < 0.9, 1, 2))::double as quantity
from counted c cross join lateral (select unnest(range(c.n)) as e) e`;

/** Support problems (6-week blocks) and the tickets they raise, before churn is applied. */
const TICKETS_SQL = `
create or replace table pf_all_tickets as
with weeks as (
  select l.i, l.w, a.people, a.contract_start, a.region,
    u('pf-problem', l.i, l.w // 6) < 0.08 as problem
  from pf_levels l join pf_accounts a using (i)
), slots as (
  select weeks.*, j.j, weeks.w * 4 + j.j as tkey,
    0.05 * sqrt(people) * if(problem, 5.0, 1.0) as rate
  from weeks cross join range(4) j(j)
), drawn as (
  select *, date_of(7 * w + between_int(u('pf-ticket-day', i, tkey), 0, 6)) as opened_day,
    u('pf-severity', i, tkey) as r_severity, u('pf-kind', i, tkey) as r_kind
  from slots
  where u('pf-ticket', i, tkey) < rate / 4
)
select i, w, tkey, problem, opened_day,
  instant(day_of(opened_day), office_second(region, u('pf-ticket-time', i, tkey))) as opened_at,
  case when problem then case when r_severity < 0.1 then 'P0' when r_severity < 0.5 then 'P1' when r_severity < 0.85 then 'P2' else 'P3' end
       else case when r_severity < 0.01 then 'P0' when r_severity < 0.1 then 'P1' when r_severity < 0.55 then 'P2' else 'P3' end
  end as severity,
  case when problem then case when r_kind < 0.6 then 'bug' when r_kind < 0.9 then 'incident' else 'question' end
       else case when r_kind < 0.5 then 'question' when r_kind < 0.75 then 'bug' when r_kind < 0.9 then 'feature_request' else 'incident' end
  end as kind,
  (if(problem, 60, 30) * exp(0.9 * gauss('pf-ticket-hours', i, tkey))) as hours_open,
  least(people - 1, floor(u('pf-requester', i, tkey) * people))::integer as requester_k
from drawn
where opened_day >= contract_start and opened_day <= getvariable('end_date')`;

/**
 * The weekly record the hazard reads: realised events, people and tickets per account-week, and
 * the profile's driver as a risk multiplier computed from the weeks before (never the week itself).
 */
const RISK_SQL = `
create or replace table pf_risk as
with weekly as (
  select l.i, l.w, a.first_week, a.propensity, coalesce(a.seats_raw, a.people) as seats,
    coalesce(e.events, 0) as events, coalesce(e.people_active, 0) as people_active,
    coalesce(t.problem_tickets, 0) as problem_tickets
  from pf_levels l
  join pf_accounts a using (i)
  left join (select i, d // 7 as w, count(*) as events, count(distinct contact_no) as people_active
             from pf_all_events group by all) e on e.i = l.i and e.w = l.w
  left join (select i, w, count(*) filter (where severity in ('P0', 'P1')) as problem_tickets
             from pf_all_tickets group by all) t on t.i = l.i and t.w = l.w
), book as (
  select w, avg(events) as book_events from weekly group by w
), windows as (
  select wk.*, b.book_events,
    wk.w - wk.first_week as tenure_weeks,
    count(*) filter (where events > 0) over (partition by i order by w rows between 13 preceding and 1 preceding) as active_weeks_13,
    count(*) filter (where events > 0) over (partition by i order by w rows between 52 preceding and 14 preceding) as active_weeks_base,
    count(*) over (partition by i order by w rows between 52 preceding and 14 preceding) as weeks_base,
    w - 1 - max(if(events > 0, w, null)) over (partition by i order by w rows between unbounded preceding and 1 preceding) as quiet_weeks,
    avg(people_active) over (partition by i order by w rows between 8 preceding and 1 preceding) as people_8,
    avg(people_active) over (partition by i order by w rows between 34 preceding and 9 preceding) as people_base,
    sum(events) over (partition by i order by w rows between 8 preceding and 1 preceding) as events_8,
    sum(b.book_events) over (partition by i order by w rows between 8 preceding and 1 preceding) as book_8,
    sum(events) over (partition by i order by w rows between 34 preceding and 9 preceding) as events_base,
    sum(b.book_events) over (partition by i order by w rows between 34 preceding and 9 preceding) as book_base,
    sum(events) over (partition by i order by w rows between 13 preceding and 1 preceding) / seats as per_seat_13,
    sum(problem_tickets) over (partition by i order by w rows between 8 preceding and 1 preceding) as problems_8
  from weekly wk join book b using (w)
), eligible as (
  select *,
    tenure_weeks >= case getvariable('pf_driver')
      when 'frequency_decline' then 26 when 'user_quiet' then 8 when 'users_decline' then 20
      when 'share_decline' then 34 else 13 end as is_eligible
  from windows
), reference as (
  -- low_volume: the book's median volume per seat that week, among the accounts it can judge
  select w, median(per_seat_13) as book_per_seat from eligible where is_eligible group by w
), driven as (
  select e.*,
    case getvariable('pf_driver')
      when 'frequency_decline' then
        -1.6 * ln((active_weeks_13 / 13.0 + 0.05) / (active_weeks_base / greatest(weeks_base, 1) + 0.05))
      when 'user_quiet' then 0.4 * least(coalesce(quiet_weeks, 12), 12)
      when 'users_decline' then -2.2 * ln((people_8 + 0.5) / (people_base + 0.5))
      when 'share_decline' then -2.0 * ln((events_8 / book_8 + 0.02) / (events_base / book_base + 0.02))
      else -1.1 * ln((per_seat_13 + 0.01) / (r.book_per_seat + 0.01))
    end
    + getvariable('pf_ticket_weight') * (problems_8 > 0)::integer as driver_log
  from eligible e left join reference r using (w)
), standardised as (
  -- the driver in standard deviations of the book's eligible weeks, so every profile's driver
  -- moves the hazard as strongly, whatever its units
  select d.*, clamp((driver_log - s.mean_log) / nullif(s.sd_log, 0), -3, 3) as driver_z_week
  from driven d
  cross join (select avg(driver_log) as mean_log, stddev_pop(driver_log) as sd_log from driven where is_eligible) s
), settled as (
  -- a customer decides over weeks, not on one bad week: the hazard follows the driver's mean over
  -- the last six weeks it can be judged
  select *, avg(driver_z_week) over (partition by i order by w rows between 5 preceding and current row) as driver_z
  from standardised
)
select i, w, is_eligible, propensity, driver_z,
  exp(getvariable('pf_driver_strength') * coalesce(driver_z, 0)) as driver_risk,
  exp(getvariable('pf_driver_strength') * coalesce(driver_z, 0) + getvariable('pf_propensity_strength') * propensity) as risk
from settled`;

/** The churn week: the first eligible week whose draw falls under the hazard. */
const CHURN_SQL = `
create or replace table pf_churn as
with scale as (
  select (1 - getvariable('pf_unexplained')) * getvariable('pf_target_hazard') / avg(risk) as c
  from pf_risk where is_eligible
), hazards as (
  select r.*, least(0.5, s.c * r.risk + getvariable('pf_unexplained') * getvariable('pf_target_hazard')) as hazard
  from pf_risk r cross join scale s
  where r.is_eligible
), first_churn as (
  select i, min(w) as churn_week from hazards where u('pf-churn', i, w) < hazard group by i
)
select f.i, f.churn_week, h.driver_risk, h.hazard,
  -- churn with no cause in the data: the share of this week's hazard the driver did not explain
  u('pf-cause', f.i, 0) < getvariable('pf_unexplained') * getvariable('pf_target_hazard') / h.hazard as unexplained,
  date_of(7 * f.churn_week + between_int(u('pf-churn-day', f.i, 0), 0, 6)) as churn_date
from first_churn f join hazards h on h.i = f.i and h.w = f.churn_week`;

/** What the engine's gen_accounts-based figures (churnFigures) read. */
const GEN_ACCOUNTS_SQL = `
create or replace table gen_accounts as
select a.i, a.account_id, a.contract_start, ch.churn_date,
  if(ch.i is null, 'baseline', if(ch.unexplained, 'unexplained_churn', getvariable('pf_driver') || '_churn')) as scenario
from pf_accounts a left join pf_churn ch using (i)`;

/**
 * When each churned account was gone: from its churn until its return, for the share of churners
 * that come back (profiles that export churn_events). A returned customer does not churn again.
 */
const GONE_SQL = `
create or replace table pf_gone as
with returns as (
  select ch.*, a.account_id, a.region,
    ch.churn_date + 7 * between_int(u('pf-return', ch.i, 1), 6, 26) as back_date
  from pf_churn ch join pf_accounts a using (i)
)
select i, account_id, churn_date, unexplained,
  instant(day_of(churn_date), office_second(region, u('pf-churn-time', i, 0))) as gone_from,
  if(u('pf-return', i, 0) < getvariable('pf_return_share') and back_date <= getvariable('end_date') - 14,
     instant(day_of(back_date), office_second(region, u('pf-return-time', i, 0))), null) as back_at
from returns`;

/** True when account g (a pf_gone row, or nulls) was gone at instant t. */
const GONE_AT = (g: string, t: string) => `coalesce(${t} >= ${g}.gone_from and (${g}.back_at is null or ${t} < ${g}.back_at), false)`;

const OUT_SQL = `
create or replace table out_accounts as
with joined as (
  select a.*, if(g.back_at is null, g.churn_date, null) as churn_date, g.unexplained,
    if(g.back_at is null, g.gone_from, null) as gone_from, coalesce(a.seats_raw, a.people) as seats
  from pf_accounts a left join pf_gone g using (i)
)
select account_id, account_name, segment, industry, region,
  getvariable('plans')[plan0] as plan,
  round(seats * getvariable('seat_prices')[plan0] * discount)::double as arr,
  seats as seats_purchased,
  contract_start as contract_start_date,
  list_min(list_filter(
    list_transform(range(1, 12), lambda k: (contract_start + to_years(k::integer))::date),
    lambda d: d >= coalesce(churn_date, getvariable('end_date') + 1))) as renewal_date,
  csm_owner,
  gone_from as churned_at,
  if(churn_date is null, null,
     if(unexplained, pick(getvariable('churn_budget'), u('pf-reason', i, 0)), pick(getvariable('churn_adoption'), u('pf-reason', i, 0)))) as churn_reason
from joined;

create or replace table out_contacts as
select contact_id, account_id, full_name, email, role,
  if(getvariable('pf_roles'), role in ('champion', 'executive_sponsor') or k = 1 and role = 'admin', null) as is_key,
  joined_at, left_at
from pf_contacts;

create or replace table pf_events as
select e.* from pf_all_events e
left join pf_gone g using (i)
where not ${GONE_AT("g", "e.occurred_at")};

create or replace table out_churn_events as
select account_id, gone_from as churned_at, back_at as reactivated_at,
  if(unexplained, pick(getvariable('churn_budget'), u('pf-reason', i, 0)), pick(getvariable('churn_adoption'), u('pf-reason', i, 0))) as reason
from pf_gone;

create or replace table out_features as
select feature, is_core, min_plan from gen_features
where feature in (select unnest(getvariable('pf_features')));

create or replace table out_support_tickets as
with kept as (
  select t.*, pa.account_id,
    t.opened_at + to_seconds(round(t.hours_open * 3600)::bigint) as would_close
  from pf_all_tickets t
  join pf_accounts pa using (i)
  left join pf_gone g using (i)
  where not ${GONE_AT("g", "t.opened_at")}
), numbered as (
  select k.*, c.contact_id, row_number() over (order by k.opened_at, k.i, k.tkey) as ticket_no, count(*) over () as total
  from kept k left join pf_contacts c on c.i = k.i and c.k = k.requester_k and c.joined_at <= k.opened_at
)
select 'TKT-' || lpad(ticket_no::varchar, greatest(6, length(total::varchar))::integer, '0') as ticket_id,
  account_id, contact_id, opened_at,
  if(would_close < getvariable('export_ts'), would_close, null) as closed_at,
  severity, kind,
  case when would_close >= getvariable('export_ts') then if(u('pf-pending', i, tkey) < 0.4, 'pending', 'open')
       when would_close >= getvariable('export_ts') - interval 4 day then 'solved' else 'closed' end as status,
  if(would_close < getvariable('export_ts') and u('pf-csat-given', i, tkey) < 0.5,
     clamp(round(if(problem, 2.4, 4.3) + 0.9 * gauss('pf-csat', i, tkey)), 1, 5)::integer, null) as csat_score,
  -- first reply after a few hours (slower while support struggles); unanswered if after the export or the close
  if(opened_at + to_seconds(round(3600 * if(problem, 8, 3) * exp(0.8 * gauss('pf-response', i, tkey)))::bigint)
       < least(coalesce(would_close, getvariable('export_ts')), getvariable('export_ts')),
     opened_at + to_seconds(round(3600 * if(problem, 8, 3) * exp(0.8 * gauss('pf-response', i, tkey)))::bigint), null) as first_response_at,
  -- a third of the tickets of a support problem, and a few others, go up to engineering within a day
  if(u('pf-escalated', i, tkey) < if(problem, 0.35, 0.03)
       and opened_at + to_seconds(between_int(u('pf-escalated', i, tkey + 1), 1800, 86400)) < getvariable('export_ts'),
     opened_at + to_seconds(between_int(u('pf-escalated', i, tkey + 1), 1800, 86400)), null) as escalated_at
from numbered;

create or replace table out_survey_responses as
with asked as (
  -- each person answers a relationship survey in about a quarter of the quarters
  select c.i, c.k, c.contact_no, c.contact_id, c.account_id, q.q,
    7 * (13 * q.q + between_int(u('pf-survey-week', c.contact_no, q.q), 0, 12)) + between_int(u('pf-survey-day', c.contact_no, q.q), 0, 4) as d
  from pf_contacts c cross join range((getvariable('weeks') + 12) // 13) q(q)
  where u('pf-survey', c.contact_no, q.q) < 0.25
), answered as (
  select s.*, l.z, a.propensity, a.region,
    exists (select 1 from pf_all_tickets t where t.i = s.i and t.problem and t.w between s.d // 7 - 6 and s.d // 7) as had_problem
  from asked s
  join pf_levels l on l.i = s.i and l.w = s.d // 7
  join pf_accounts a on a.i = s.i
  join pf_contacts c on c.contact_no = s.contact_no
  left join pf_gone g on g.i = s.i
  where s.d < getvariable('days') and date_of(s.d) >= c.joined_day
    and not ${GONE_AT("g", "date_of(s.d)::timestamp")}
    and not ${GONE_AT("g", "(date_of(s.d) + 1)::timestamp")}
), numbered as (
  select *, row_number() over (order by d, contact_no) as response_no, count(*) over () as total from answered
)
select 'RSP-' || lpad(response_no::varchar, greatest(6, length(total::varchar))::integer, '0') as response_id,
  account_id, contact_id,
  instant(d, office_second(region, u('pf-survey-time', contact_no, q))) as responded_at,
  clamp(round(8.0 + 1.2 * z - 0.9 * propensity - if(had_problem, 2.0, 0.0) + 1.3 * gauss('pf-nps', contact_no, q)), 0, 10)::integer as nps,
  cast(null as integer) as csat,
  cast(null as integer) as ces,
  cast(null as varchar) as comment
from numbered`;

const ANSWERS_SQL = `
create or replace table out_scenarios as
with lead_up as (
  -- when the driver first stood at twice the book's typical risk in the half-year before churn
  select r.i, min(r.w) as signal_week
  from pf_risk r join pf_churn ch using (i)
  where r.is_eligible and r.driver_risk >= 2 and r.w between ch.churn_week - 26 and ch.churn_week
  group by r.i
)
select a.account_id, g.scenario,
  if(ch.unexplained, null, date_of(7 * l.signal_week)::timestamp) as signal_started_at,
  gone.gone_from as churned_at,
  gone.back_at as reactivated_at,
  if(ch.i is null or ch.unexplained, 'healthy', 'at_risk') as expected,
  case when ch.i is null then format('stays (propensity {})', round(a.propensity, 2))
       when ch.unexplained then format('churns with no cause in the data (propensity {})', round(a.propensity, 2))
       else format('churns on {}: driver at {}x the book''s typical risk the week of churn (propensity {})',
                   getvariable('pf_driver'), round(ch.driver_risk, 2), round(a.propensity, 2))
  end || if(gone.back_at is null, '', format('; returns {}', strftime(gone.back_at, '%Y-%m-%d'))) as notes
from pf_accounts a
join gen_accounts g using (i)
left join pf_gone gone on gone.i = a.i
left join pf_churn ch on ch.i = a.i
left join lead_up l on l.i = a.i`;

/** Ticket columns a profile's help desk does not export (dropped before the CSV is written). */
function ticketColumnsDropped(profile: Profile): string[] {
  // a wholesaler's help desk records no ticket type; only no_roles records escalations and replies
  const dropped = profile.people === "buyers" ? ["kind"] : [];
  if (profile.id !== "no_roles") dropped.push("first_response_at", "escalated_at");
  return dropped;
}

/** Sets the profile's knobs as DuckDB variables. */
async function setProfileVariables(db: Database, profile: Profile): Promise<void> {
  const ticketWeight = !profile.tables.includes("support_tickets") ? 0 : profile.id === "no_roles" ? 0.8 : 0.3;
  const features =
    profile.people === "buyers"
      ? ["order", "reorder", "quote", "return"]
      : ["dashboards", "reports", "search", "data_import", "sharing", "alerts", "comments", "workflows", "templates", "exports"];
  const vars: [string, string, string | number | boolean][] = [
    ["pf_driver", "varchar", profile.driver],
    ["pf_people", "varchar", profile.people],
    ["pf_epw", "double", profile.eventsPerPersonWeek],
    ["pf_epd", "double", profile.eventsPerActiveDay],
    ["pf_volatility", "double", profile.volatility],
    ["pf_persistence", "double", PERSISTENCE],
    ["pf_season", "double", profile.season],
    ["pf_roles", "boolean", profile.roles],
    ["pf_ticket_weight", "double", ticketWeight],
    ["pf_target_hazard", "double", TARGET_WEEKLY_HAZARD],
    ["pf_unexplained", "double", UNEXPLAINED_SHARE],
    ["pf_driver_strength", "double", DRIVER_STRENGTH],
    ["pf_return_share", "double", profile.tables.includes("churn_events") ? RETURN_SHARE : 0],
    ["pf_propensity_strength", "double", PROPENSITY_STRENGTH],
    ["pf_office_start", "integer", 8 * 3600],
  ];
  for (const [name, type, value] of vars) await db.run(`set variable ${name} = $v::${type}`, { v: value });
  await db.run("set variable pf_features = string_split($v, ',')", { v: features.join(",") });
}

/**
 * Builds the profile's export-shaped tables (`out_<table>`, `pf_events` for usage) and its answers
 * (`out_scenarios`). Needs the randomness macros, the vocabulary and `gen_account_base`.
 */
export async function buildProfileBook(db: Database, profile: Profile): Promise<void> {
  await setProfileVariables(db, profile);
  await db.run(ACCOUNTS_SQL);
  await db.run(CONTACTS_SQL);
  await db.run(LEVELS_SQL);
  await db.run(SEASON_SQL);
  await db.run(EVENTS_SQL);
  await db.run(TICKETS_SQL);
  await db.run(RISK_SQL);
  await db.run(CHURN_SQL);
  await db.run(GEN_ACCOUNTS_SQL);
  await db.run(GONE_SQL);
  await db.run(OUT_SQL);
  for (const column of ticketColumnsDropped(profile)) await db.run(`alter table out_support_tickets drop column ${column}`);
  await db.run(ANSWERS_SQL);
}

/** The usage events in a total order (account, person, day, event), for a deterministic file. */
export const PROFILE_EVENTS_QUERY = "select * from pf_events order by i, contact_no, d, e";
