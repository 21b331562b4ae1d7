-- grain: account, week with usage
-- key: account_id, week_start
-- scope: portfolio
-- int_account_activity_weekly: one row per account per week with any usage (API use included).
-- The rollup already has one row per person-week, so active users are a count of its rows with a
-- contact rather than a distinct count.
select
    account_id,
    week_start,
    sum(event_count)::bigint                                            as event_count,
    count(contact_id)::integer                                          as active_users,
    bit_or(feature_mask)                                                as feature_mask,
    max(last_active_at)                                                 as last_active_at
from int_usage_weekly
group by account_id, week_start
