-- grain: week, tier
-- site_tier_weeks: one row per week and tier: accounts scored in that tier that week, and their
-- ARR today. Feeds the portfolio's tier-over-time chart.
with

health as (
    select * from account_health_weekly
),

crm as (
    select account_id, arr from accounts
),

final as (
    select
        h.week_end,
        h.tier,
        count(*)::integer                   as accounts,
        sum(a.arr)::double                  as arr
    from health as h
    left join crm as a using (account_id)
    where h.tier is not null
    group by h.week_end, h.tier
)

select * from final order by week_end, tier
