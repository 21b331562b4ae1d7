-- grain: account, week with usage
-- site_usage_weekly: one row per account and week with usage: events and distinct active users.
-- For the account pages' usage trend; reads the one usage rollup, never the events.
with

usage as (
    select * from int_usage_weekly
),

final as (
    select
        account_id,
        week_start,
        sum(event_count)::integer                   as events,
        count(distinct contact_id)::integer         as active_users
    from usage
    group by account_id, week_start
)

select * from final order by account_id, week_start
