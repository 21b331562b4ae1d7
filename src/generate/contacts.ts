/**
 * People. Each account has seat slots (seats in use = seats purchased x utilisation, following the
 * seat history); a slot is held by a chain of people as staff leave and are replaced. The first slots
 * are the stakeholders: champion, executive sponsor, more champions, admins, technical contacts; the
 * rest are end users. Planted departures (champion or sponsor leaving) override the natural turnover.
 * Output: `gen_contacts`, one row per person, with the usage persona that drives their activity.
 */
import type { Database } from "../db/duckdb.ts";

const SEAT_PLAN_SQL = `
create or replace table gen_seat_plan as
with periods as (
  select s.i, s.changed_at::date as t_from, s.kind, s.seats,
    case
      when a.scenario = 'low_utilisation_power_users' then greatest(2, round(a.seats0 * a.utilisation))
      -- after signing more seats, the new ones fill gradually
      when a.scenario = 'expansion' and s.k >= 100 then greatest(2, round(s.seats * 0.8))
      when a.scenario = 'expansion' and s.changed_at::date >= a.signal_date then greatest(2, round(s.seats * (0.97 + 0.05 * u('full-use', a.i, 0))))
      else greatest(2, round(s.seats * a.utilisation))
    end::integer as target,
    case when s.kind = 'new' then round(a.go_live_days * if(a.scenario = 'stalled_onboarding', 2.0, 0.7)) else 28 end::integer as ramp_days
  from gen_subscriptions s join gen_accounts a using (i)
  union all
  -- expansion accounts fill their remaining seats over twelve weeks from the signal on
  select a.i, a.signal_date, 'fill', st.seats,
    greatest(2, round(st.seats * (0.97 + 0.05 * u('full-use', a.i, 0))))::integer, 84
  from gen_accounts a
  join (
    select s.i, arg_max(s.seats, s.changed_at) as seats
    from gen_subscriptions s join gen_accounts a2 using (i)
    where s.changed_at::date <= a2.signal_date
    group by s.i
  ) st on st.i = a.i
  where a.scenario = 'expansion'
)
select i, t_from, lead(t_from) over (partition by i order by t_from, target) as t_to, kind, seats, target, ramp_days,
  row_number() over (partition by i order by t_from, target) as p
from periods`;

const SLOTS_SQL = `
create or replace table gen_slots as
with slot_periods as (
  select p.*, k.k
  from gen_seat_plan p
  cross join (select range as k from range((select max(target) from gen_seat_plan))) k
  where k.k < p.target
), islands as (
  select i, k, p - row_number() over (partition by i, k order by p) as island,
    t_from, t_to, ramp_days, p
  from slot_periods
)
select i, k,
  dense_rank() over (partition by i, k order by min(p)) - 1 as island_no,
  min(p) as first_period,
  min(t_from) as island_start,
  if(bool_or(t_to is null), null, max(t_to)) as island_end,
  arg_min(ramp_days, p) as ramp_days
from islands
group by i, k, island`;

const CONTACTS_SQL = `
create or replace table gen_contacts as
with team as (
  select i, has_sponsor::integer as sponsors,
    between_int(u('team', i, 0), 1, 2) as champions,
    if(segment = 'smb', 1, between_int(u('team', i, 1), 1, 2)) as admins,
    case segment when 'enterprise' then between_int(u('team', i, 2), 1, 3)
                 when 'mid_market' then between_int(u('team', i, 2), 0, 2)
                 else between_int(u('team', i, 2), 0, 1) end as technicals
  from gen_accounts
), slots as (
  select s.*, a.scenario, a.variant, a.signal_date, a.ramp_days as planted_gap, a.leaving_role, a.region,
    a.email_domain, a.churn_date, a.contract_start,
    case
      when s.k = 0 then 'champion'
      when s.k < 1 + t.sponsors then 'executive_sponsor'
      when s.k < t.sponsors + t.champions then 'champion'
      when s.k < t.sponsors + t.champions + t.admins then 'admin'
      when s.k < t.sponsors + t.champions + t.admins + t.technicals then 'technical_contact'
      else 'end_user'
    end as role,
    s.k = t.sponsors + t.champions as is_main_admin,
    -- key people are there from day one; others arrive while the account rolls out
    s.island_start + if(s.k < 3 and s.first_period = 1, between_int(u('slot-start', s.i, s.k), 0, 3),
                         floor(u('slot-start', s.i, s.k * 10 + s.island_no) * s.ramp_days)::integer) as slot_start,
    least(getvariable('end_date') + 1, coalesce(a.churn_date, getvariable('end_date') + 1)) as horizon
  from gen_slots s join team t using (i) join gen_accounts a using (i)
), forced as (
  -- planted departures: the day the holder of this slot leaves, and the gap before a successor (null: none)
  select *,
    case
      when scenario = 'champion_left_churn' and island_no = 0 and role = 'champion' and k = 0 then signal_date
      when scenario = 'champion_left_churn' and variant and island_no = 0 and role = 'executive_sponsor' then signal_date + planted_gap
      when scenario = 'sponsor_left' and island_no = 0 and role = leaving_role and k = if(role = 'champion', 0, 1) then signal_date
    end as forced_leave,
    if(scenario = 'sponsor_left' and variant, planted_gap, null) as successor_gap
  from slots
), chain as (
  select f.*, j.j,
    case
      when forced_leave is not null then if(j.j = 0, forced_leave - slot_start, 100000)
      else greatest(14, round(-ln(u('tenure', i, k * 100 + island_no * 10 + j.j)) * 365.0 /
        case role when 'end_user' then 0.15 when 'technical_contact' then 0.12 when 'admin' then 0.10 else 0.08 end))
    end::integer as tenure,
    case
      when forced_leave is not null then coalesce(successor_gap, 100000)
      when role in ('executive_sponsor', 'champion') then between_int(u('gap', i, k * 100 + island_no * 10 + j.j), 14, 75)
      else between_int(u('gap', i, k * 100 + island_no * 10 + j.j), 7, 42)
    end::integer as gap
  from forced f cross join range(6) j(j)
  where forced_leave is null or j.j < 2
), dated as (
  select *,
    slot_start + coalesce(sum(tenure + gap) over (partition by i, k, island_no order by j
      rows between unbounded preceding and 1 preceding), 0)::integer as joined_day,
    least(horizon, coalesce(island_end, horizon)) as stop_day
  from chain
), present as (
  select *,
    case
      when joined_day + tenure < stop_day then joined_day + tenure
      when island_end is not null and island_end < horizon then island_end
    end as left_day
  from dated
  where joined_day < stop_day and joined_day <= getvariable('end_date')
), keyed as (
  -- a person keeps the number a first telling of the book gave them (gen_contact_numbers, kept when
  -- the team's saves make the story be told again): draws keyed by it (surveys, usage) stay the same;
  -- people only the second telling has (a saved account's later hires) are numbered after them all
  select d.*, d.k * 100 + d.island_no * 10 + d.j as okey, n.contact_no as kept_no
  from present d left join gen_contact_numbers n on n.i = d.i and n.okey = d.k * 100 + d.island_no * 10 + d.j
), people as (
  select *,
    coalesce(kept_no, (select coalesce(max(contact_no), 0) from gen_contact_numbers)
      + row_number() over (partition by kept_no is null order by i, k, island_no, j)) as contact_no,
    pick(getvariable('first_names'), u('first-name', i, k * 100 + island_no * 10 + j)) as first_name,
    pick(getvariable('last_names'), u('last-name', i, k * 100 + island_no * 10 + j)) as last_name,
    u('persona', i, k * 100 + island_no * 10 + j) as r_persona
  from keyed
), personas as (
  select *,
    case
      when role = 'executive_sponsor' then 'sponsor'
      when role = 'champion' then if(r_persona < 0.7, 'power', 'regular')
      when role = 'admin' then if(r_persona < 0.35, 'power', 'regular')
      when role = 'technical_contact' then case when r_persona < 0.25 then 'power' when r_persona < 0.85 then 'regular' else 'occasional' end
      when scenario = 'low_utilisation_power_users' then case when r_persona < 0.6 then 'power' when r_persona < 0.95 then 'regular' else 'occasional' end
      when scenario = 'expansion' then case when r_persona < 0.2 then 'power' when r_persona < 0.75 then 'regular' else 'occasional' end
      else case when r_persona < 0.12 then 'power' when r_persona < 0.60 then 'regular' when r_persona < 0.93 then 'occasional' else 'idle' end
    end as persona
  from people
), numbered as (
  select *,
    ascii_slug(first_name, '') || '.' || ascii_slug(last_name, '') as email_local,
    max(contact_no) over () as contacts_total
  from personas
)
select i, k, okey, contact_no,
  'CON-' || lpad(contact_no::varchar, greatest(6, length(contacts_total::varchar))::integer, '0') as contact_id,
  role,
  role in ('executive_sponsor', 'champion') or is_main_admin as is_key,
  first_name || ' ' || last_name as full_name,
  case when u('no-email', i, okey) < 0.01 then null
       else email_local
         || if(row_number() over (partition by i, email_local order by contact_no) > 1,
               (row_number() over (partition by i, email_local order by contact_no))::varchar, '')
         || '@' || email_domain end as email,
  joined_day, left_day,
  instant(day_of(joined_day), office_second(region, u('joined-time', i, okey))) as joined_at,
  instant(day_of(left_day), office_second(region, u('left-time', i, okey))) as left_at,
  persona,
  forced_leave is not null and j = 0 as planted_departure
from numbered`;

/**
 * Builds `gen_seat_plan`, `gen_slots` and `gen_contacts` from `gen_accounts` and `gen_subscriptions`
 * (and `gen_contact_numbers`, the numbers a first telling gave, if kept).
 */
/** Keeps the people's numbers of this telling of the book for the next one (see `keyed` above). */
export async function keepContactNumbers(db: Database): Promise<void> {
  await db.run("create or replace table gen_contact_numbers as select i, okey, contact_no from gen_contacts");
}

export async function buildContacts(db: Database): Promise<void> {
  await db.run("create table if not exists gen_contact_numbers (i bigint, okey bigint, contact_no bigint)");
  await db.run(SEAT_PLAN_SQL);
  await db.run(SLOTS_SQL);
  await db.run(CONTACTS_SQL);
}
