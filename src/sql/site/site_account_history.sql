-- grain: account
-- template: `category_lists` is one list(...) column per formula category, built by loaders/accounts.ts
-- site_account_history: one row per account: its weekly health history as parallel lists in week
-- order (week end, score, tier, coverage, cap reason, one list per category score).
-- The category_lists fragment is one `list(...)` column per formula category, built by the loader.
with

health as (
    select * from account_health_weekly
),

final as (
    select
        account_id,
        list(strftime(week_end, '%Y-%m-%d') order by week_start)    as week_end,
        list(round(score, 1) order by week_start)                   as score,
        list(tier order by week_start)                              as tier,
        list(round(coverage, 2) order by week_start)                as coverage,
        list(cap_reason order by week_start)                        as cap_reason,
        {{ category_lists }}
    from health
    group by account_id
)

select * from final
