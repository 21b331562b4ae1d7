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
    select account_id, week_start, measure_id, category_id, raw_value, contribution_change_4w
    from account_measures_weekly
),

-- the measures of the weeks that moved, ranked; only the top $per_week of a week go on. A measure
-- that moved less than 0.05 points is never shown, and it would rank below every one that moved
-- more (nulls last), so it is left out before the ranking rather than after.
ranked as (
    select
        h.account_id,
        h.week_start,
        h.week_end,
        m.measure_id,
        m.category_id,
        m.raw_value,
        m.contribution_change_4w,
        row_number() over (partition by h.account_id, h.week_start order by abs(m.contribution_change_4w) desc, m.measure_id) as n
    from health as h
    join measures as m on m.account_id = h.account_id and m.week_start = h.week_start
    where abs(m.contribution_change_4w) >= 0.05
),

shown as (
    select * from ranked
    where n <= $per_week
),

-- the raw value 4 weeks before, looked up for the shown drivers only: joining every measure-week
-- of the weeks that moved to its earlier week made this the account pages' slowest query
earlier as (
    select account_id, week_start + 28 as week_start, measure_id, raw_value as raw_before
    from account_measures_weekly
    where (account_id, week_start + 28, measure_id) in (select (account_id, week_start, measure_id) from shown)
),

final as (
    select
        s.account_id,
        list({
            week_end: strftime(s.week_end, '%Y-%m-%d'),
            measure_id: s.measure_id,
            category_id: s.category_id,
            raw: s.raw_value,
            raw_before: e.raw_before,
            change: round(s.contribution_change_4w, 2)
        } order by s.week_start, s.n)                                   as drivers
    from shown as s
    left join earlier as e on e.account_id = s.account_id and e.week_start = s.week_start and e.measure_id = s.measure_id
    group by s.account_id
)

select * from final
