-- grain: account, week, measure
-- key: account_id, week_start, measure_id
-- kind: query
-- template: `values` is the long form of the candidates' measure tables (account_id, week_start, measure_id, raw_value), one unpivot per family (src/calibrate/calibrate.ts)
-- calibrate_book_values: every candidate measure's raw value on every scored account-week of the
-- book, with its percentile rank among the accounts with a value the same week (below + half the
-- equal) / all, as int_measure_reference ranks a measure the formula scores `relative_to: book`:
-- the same week's cross-section only, so no look-ahead.
with

v as (
    select v.account_id, v.week_start, v.measure_id, round(v.raw_value, 9) as raw_value
    from ({{ values }}) as v
    join int_account_weeks as w using (account_id, week_start)
    where not isnan(v.raw_value)
),

counted as (
    select measure_id, week_start, raw_value, count(*) as accounts from v group by all
),

ranked as (
    select
        *,
        coalesce(sum(accounts) over (partition by measure_id, week_start order by raw_value rows between unbounded preceding and 1 preceding), 0) as below,
        sum(accounts) over (partition by measure_id, week_start) as total
    from counted
)

select v.account_id, v.week_start, v.measure_id, v.raw_value, round((r.below + 0.5 * r.accounts) / r.total, 9) as pct_value
from v
join ranked as r using (measure_id, week_start, raw_value)
