/**
 * Courses and certifications completed by contacts, into `out_trainings`. Power users and admins
 * learn most, and people at healthy or growing accounts more than those at struggling ones. Each
 * person completes a given course at most once, while at the account and inside the window.
 */
import type { Database } from "../db/duckdb.ts";

const TRAININGS_SQL = `
create or replace table out_trainings as
with learners as (
  select c.i, c.contact_no, c.contact_id, c.role, c.persona, a.account_id, a.region,
    greatest(c.joined_day + 7, getvariable('start_date'), a.contract_start) as from_day,
    least(coalesce(c.left_day, getvariable('end_date') + 1), coalesce(a.churn_date, getvariable('end_date') + 1),
          getvariable('end_date') + 1) as to_day,
    case c.persona when 'power' then 2.2 when 'regular' then 1.0 when 'occasional' then 0.35 when 'sponsor' then 0.1 else 0.15 end
    * case
        when a.scenario = 'expansion' then 1.6
        when a.scenario = 'low_utilisation_power_users' then 1.4
        when a.scenario = 'stalled_onboarding' then 0.3
        when a.churns then 0.6
        else 1.0
      end as per_year
  from gen_contacts c join gen_accounts a using (i)
), drawn as (
  select l.*, k.k,
    u('training-kind', contact_no, k.k) < 0.3 and (persona = 'power' or role = 'admin') as is_certification
  from learners l cross join range(6) k(k)
  where to_day > from_day
    and u('training', contact_no, k.k) < per_year * (to_day - from_day) / 365.0 / 6
), named as (
  select *,
    if(is_certification, pick(getvariable('certifications'), u('course', contact_no, k)),
       pick(getvariable('courses'), u('course', contact_no, k))) as course,
    from_day + floor(u('training-day', contact_no, k) * (to_day - from_day))::integer as completed_day
  from drawn
), once as (
  select * from named
  qualify row_number() over (partition by contact_no, course order by completed_day, k) = 1
), numbered as (
  select *, row_number() over (order by completed_day, contact_no, k) as training_no, count(*) over () as total
  from once
)
select 'TRN-' || lpad(training_no::varchar, greatest(6, length(total::varchar))::integer, '0') as training_id,
  account_id, contact_id, course,
  if(is_certification, 'certification', 'course') as kind,
  instant(day_of(completed_day), office_second(region, u('training-time', contact_no, k))) as completed_at
from numbered`;

/** Builds the export-shaped `out_trainings`. */
export async function buildTrainings(db: Database): Promise<void> {
  await db.run(TRAININGS_SQL);
}
