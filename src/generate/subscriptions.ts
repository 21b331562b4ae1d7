/**
 * Seat and plan history into `gen_subscriptions`: `new` at contract start, `renewal` every year
 * until churn or export, and the planted (or background) expansions, contractions and plan changes.
 * The account's current seats, plan and ARR are its latest row, in `gen_account_state`.
 */
import type { Database } from "../db/duckdb.ts";

const SUBSCRIPTIONS_SQL = `
create or replace table gen_subscriptions as
with anniversaries as (
  select a.i, r.k, (a.contract_start + to_years(r.k::integer))::date as day,
    (a.contract_start + to_years(r.k::integer - 1))::date as previous_day
  from gen_accounts a cross join range(1, 10) r(k)
  where (a.contract_start + to_years(r.k::integer))::date <= getvariable('end_date')
    and (a.churn_date is null or (a.contract_start + to_years(r.k::integer))::date < a.churn_date)
), renewal_changes as (
  select an.i, an.k, an.day::timestamp as changed_at,
    case
      when a.scenario = 'low_utilisation_power_users' and a.variant
        and an.day >= getvariable('start_date') and an.previous_day < getvariable('start_date') then 'contraction'
      when a.scenario in ('low_utilisation_power_users', 'expansion', 'stalled_onboarding') then 'renewal'
      when a.plan0 < 3 and u('upgrade', a.i, 0) < 0.15 and an.k = between_int(u('upgrade', a.i, 1), 1, 4) then 'plan_change'
      when u('renewal-change', a.i, an.k) < 0.05 then 'expansion'
      when u('renewal-change', a.i, an.k) < 0.10 then 'contraction'
      else 'renewal'
    end as kind,
    a.seats0, greatest(2, round(a.seats0 * a.utilisation)) as users0, a.scenario
  from anniversaries an join gen_accounts a using (i)
), changes as (
  select i, 0 as k, contract_start::timestamp as changed_at, 'new' as kind, 1.0 as factor, 0 as upgrade
  from gen_accounts
  union all
  select i, k, changed_at, kind,
    case
      when kind = 'contraction' and scenario = 'low_utilisation_power_users' then ceil(users0 * 1.2) / seats0
      when kind = 'expansion' then 1.1 + 0.2 * u('change-size', i, k)
      when kind = 'contraction' then 0.8 + 0.1 * u('change-size', i, k)
      else 1.0
    end,
    (kind = 'plan_change')::integer
  from renewal_changes
  union all
  -- planted expansion near the end of the window; some also move up a plan the next day
  select i, 100, (getvariable('end_date') - between_int(u('expansion-day', i, 0), 7, 42))::timestamp + interval 14 hour,
    'expansion', 1.2 + 0.3 * u('change-size', i, 100), 0
  from gen_accounts where scenario = 'expansion' and variant
  union all
  select i, 101, (getvariable('end_date') - between_int(u('expansion-day', i, 0), 7, 42) + 1)::timestamp + interval 14 hour,
    'plan_change', 1.0, 1
  from gen_accounts where scenario = 'expansion' and variant and plan0 < 3 and u('expansion-plan', i, 0) < 0.3
), running as (
  select c.*, a.seats0, a.plan0, a.discount,
    exp(sum(ln(c.factor)) over w) as seat_factor,
    least(3, a.plan0 + sum(c.upgrade) over w)::integer as plan_index,
    count(*) filter (where c.k between 1 and 99) over w as renewals
  from changes c join gen_accounts a using (i)
  window w as (partition by c.i order by c.changed_at rows between unbounded preceding and current row)
)
select i, k, changed_at, kind,
  greatest(1, round(seats0 * seat_factor))::integer as seats,
  plan_index,
  getvariable('plans')[plan_index] as plan,
  round(greatest(1, round(seats0 * seat_factor)) * getvariable('seat_prices')[plan_index] * discount * pow(1.03, renewals))::double as arr
from running`;

const STATE_SQL = `
create or replace table gen_account_state as
select i, seats as seats_purchased, plan, plan_index, arr
from gen_subscriptions
qualify row_number() over (partition by i order by changed_at desc) = 1`;

/** Builds `gen_subscriptions` and `gen_account_state` from `gen_accounts`. */
export async function buildSubscriptions(db: Database): Promise<void> {
  await db.run(SUBSCRIPTIONS_SQL);
  await db.run(STATE_SQL);
}
