-- grain: account, week with usage
-- site_usage_weekly: one row per account and week with usage: events and distinct active users.
-- For the account pages' usage trend; reads the account-week activity the engine builds from the
-- usage rollup (0.8M rows at 10k accounts, where the rollup has a row per person-week: 11M), so
-- the data snapshot need not keep the rollup.
with

usage as (
    select * from int_account_activity_weekly
),

final as (
    select
        account_id,
        week_start,
        event_count::integer                        as events,
        active_users
    from usage
)

select * from final order by account_id, week_start
