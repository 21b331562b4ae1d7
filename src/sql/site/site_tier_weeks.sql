-- site_tier_weeks: the book's tiers over time, in accounts and in ARR, for the Portfolio page's
-- tiers-over-time chart. ARR is each account's ARR as of that week (site_arr_timeline at the week's
-- as_of, the rule the week was scored with), not today's. Accounts scored that week without a
-- score are the tier 'not_scored'; churned accounts are in no week after they left.
-- grain: one row per week and tier with accounts
-- key: week_end, tier
with

health as (
    select account_id, week_end, as_of, tier, score from account_health_weekly
),

valued as (
    select h.*, coalesce(t.arr, 0) as arr
    from health as h
    asof left join site_arr_timeline as t
        on t.account_id = h.account_id
       and h.as_of > t.changed_at
),

final as (
    select
        week_end,
        case when score is null or tier is null then 'not_scored' else tier end as tier,
        count(*)::integer                   as accounts,
        sum(arr)::double                    as arr
    from valued
    group by all
)

select * from final order by week_end, tier
