-- grain: account, week, measure
-- key: account_id, week_start, measure_id
-- kind: query
-- template: `values` is the long form of the candidates' measure tables (account_id, week_start, measure_id, raw_value), one unpivot per family; `plain` the candidates read as they are, `net_bases` the bases of the net-of-book candidates (src/calibrate/sample.ts)
-- calibrate_book_values: every candidate measure's raw value on every scored account-week of the
-- book, with its percentile rank among the accounts with a value the same week (below + half the
-- equal) / all, as int_measure_reference ranks a measure the formula scores `relative_to: book`:
-- the same week's cross-section only, so no look-ahead. A net-of-book candidate (`<base>_net`) is
-- its base minus the base's median over the book's accounts with a value that week, as
-- int_measure_book_weekly and int_measure_inputs compute it at scoring: a dip that hits every
-- account the same week is seasonality, not risk.
with

base as (
    select account_id, week_start, measure_id, round(raw_value, 9) as raw_value
    from ({{ values }})
    where not isnan(raw_value)
),

net as (
    select
        account_id,
        week_start,
        measure_id || '_net' as measure_id,
        round(raw_value - round(quantile_cont(raw_value, 0.5) over (partition by measure_id, week_start), 9), 9) as raw_value
    from base
    where measure_id in ({{ net_bases }})
),

v as (
    select v.account_id, v.week_start, v.measure_id, v.raw_value
    from (
        select * from base where measure_id in ({{ plain }})
        union all
        select * from net
    ) as v
    join int_account_weeks as w using (account_id, week_start)
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
