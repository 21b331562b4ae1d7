-- grain: account
-- params: $min_change, $per_week: the smallest 4-week move explained and the drivers shown per week (loaders/accounts.ts)
-- site_account_drivers: one row per account: for each week whose score moved at least
-- $min_change points over 4 weeks, the $per_week measures that moved it most, with their raw
-- value then and 4 weeks earlier. These are the "drivers of each change" on the account page.
with

health as (
    select account_id, week_start, week_end, score_change_4w
    from account_health_weekly
    where abs(score_change_4w) >= $min_change
),

measures as (
    select * from account_measures_weekly
),

earlier as (
    select account_id, week_start + 28 as week_start, measure_id, raw_value as raw_before
    from account_measures_weekly
),

ranked as (
    select
        h.account_id,
        h.week_start,
        h.week_end,
        m.measure_id,
        m.category_id,
        m.raw_value,
        e.raw_before,
        m.contribution_change_4w,
        row_number() over (partition by h.account_id, h.week_start order by abs(m.contribution_change_4w) desc, m.measure_id) as n
    from health as h
    join measures as m on m.account_id = h.account_id and m.week_start = h.week_start
    left join earlier as e on e.account_id = m.account_id and e.week_start = m.week_start and e.measure_id = m.measure_id
),

final as (
    select
        account_id,
        list({
            week_end: strftime(week_end, '%Y-%m-%d'),
            measure_id: measure_id,
            category_id: category_id,
            raw: raw_value,
            raw_before: raw_before,
            change: round(contribution_change_4w, 2)
        } order by week_start, n)                                       as drivers
    from ranked
    where n <= $per_week and abs(contribution_change_4w) >= 0.05
    group by account_id
)

select * from final
