/**
 * Fit assessments into `out_fit_assessments`: one when the contract starts and one before each
 * renewal. The fit score correlates with how the account will fare, with enough noise that it is a
 * hint, not an answer.
 */
import type { Database } from "../db/duckdb.ts";

const ASSESSMENTS_SQL = `
create or replace table out_fit_assessments as
with fit as (
  select a.*,
    case
      when a.scenario = 'expansion' then 80
      when a.scenario = 'stalled_onboarding' then 48
      when a.scenario = 'low_utilisation_power_users' then 60
      when a.scenario = 'bankruptcy' then 58
      when a.scenario = 'silent_churn' then 64
      when a.churns then 52
      when a.scenario = 'baseline' then 68
      else 64
    end + 8 * gauss('fit', a.i, 0) as latent_fit
  from gen_accounts a
), occasions as (
  select f.*, r.k,
    if(r.k = 0, f.contract_start - between_int(u('assess-day', f.i, 0), 0, 14),
       (f.contract_start + to_years(r.k::integer))::date - between_int(u('assess-day', f.i, r.k), 7, 28)) as assessed_day
  from fit f cross join range(0, 10) r(k)
), kept as (
  select * from occasions
  where assessed_day <= getvariable('end_date')
    and (k = 0 or churn_date is null or assessed_day < churn_date)
), scored as (
  select *,
    clamp(round(latent_fit + 8 * gauss('fit-score', i, k)), 0, 100)::integer as fit_score,
    exists (
      select 1 from gen_contacts c
      where c.i = kept.i and c.role = 'executive_sponsor'
        and c.joined_day <= greatest(kept.assessed_day, kept.contract_start)
        and (c.left_day is null or c.left_day > kept.assessed_day)
    ) as sponsor_present
  from kept
), numbered as (
  select *, row_number() over (order by assessed_day, i, k) as assessment_no, count(*) over () as total
  from scored
)
select 'FIT-' || lpad(assessment_no::varchar, greatest(5, length(total::varchar))::integer, '0') as assessment_id,
  account_id,
  instant(day_of(assessed_day), office_second(region, u('assess-time', i, k))) as assessed_at,
  fit_score,
  -- the assessor's view of sponsorship is usually, not always, right
  if(u('sponsor-seen', i, k) < 0.05, not sponsor_present, sponsor_present) as has_executive_sponsor,
  u('strategy', i, k) < 1 / (1 + exp(-(fit_score - 55) / 10.0)) as has_long_term_strategy,
  clamp(round(1 + 4 * fit_score / 100.0 + 0.7 * gauss('readiness', i, k)), 1, 5)::integer as implementation_readiness
from numbered`;

/** Builds the export-shaped `out_fit_assessments`. */
export async function buildFitAssessments(db: Database): Promise<void> {
  await db.run(ASSESSMENTS_SQL);
}
