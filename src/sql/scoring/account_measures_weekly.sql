-- grain: account, week, measure
-- key: account_id, week_start, measure_id
-- account_measures_weekly: one row per account, week and measure that has data now or had four
-- weeks earlier: raw value, percentile rank in the book (measures scored against it), score,
-- contribution, and the change of contribution over 4 weeks.
-- Summed over an account-week, contribution_change_4w equals the uncapped score's 4-week change.
with

current as (
    select * from int_measure_scores
),

four_weeks_ago as (
    select account_id, week_start + 28 as week_start, category_id, measure_id, contribution as contribution_4w_ago
    from int_measure_scores
),

final as (
    select
        w.account_id,
        w.week_start,
        w.week_end,
        coalesce(c.category_id, p.category_id)                          as category_id,
        coalesce(c.measure_id, p.measure_id)                            as measure_id,
        c.raw_value,
        c.percentile,
        c.score,
        c.effective_weight,
        coalesce(c.contribution, 0)                                     as contribution,
        coalesce(p.contribution_4w_ago, 0)                              as contribution_4w_ago,
        coalesce(c.contribution, 0) - coalesce(p.contribution_4w_ago, 0) as contribution_change_4w
    from current as c
    full join four_weeks_ago as p
        on p.account_id = c.account_id and p.week_start = c.week_start and p.measure_id = c.measure_id
    -- keeps only weeks the account was scored (drops the shifted rows past churn or the export)
    join int_health_scores as w
        on w.account_id = coalesce(c.account_id, p.account_id)
       and w.week_start = coalesce(c.week_start, p.week_start)
)

select * from final
-- in the order of its output file, which is written as built (no sort of the whole book there)
order by account_id, week_start, category_id, measure_id
