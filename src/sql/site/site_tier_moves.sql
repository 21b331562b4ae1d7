-- grain: week, (previous tier, tier) pair
-- site_tier_moves: one row per week and (previous tier, tier) pair with accounts that changed tier
-- that week. The loader turns pairs into moves up and down using the formula's tier order.
with

health as (
    select * from account_health_weekly
),

final as (
    select
        week_end,
        tier_last_week                      as from_tier,
        tier                                as to_tier,
        count(*)::integer                   as accounts
    from health
    where tier_last_week is not null and tier is not null and tier_last_week <> tier
    group by week_end, tier_last_week, tier
)

select * from final order by week_end, from_tier, to_tier
