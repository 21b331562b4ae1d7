-- grain: contact, week with usage
-- key: contact_id, week_start
-- scope: portfolio
-- int_contact_activity_weekly: one row per contact per week with any usage: the person-level rows
-- of the usage rollup, with active days counted from the weekday mask.
select
    account_id,
    contact_id,
    week_start,
    event_count,
    bit_count(active_day_mask)::integer                                 as active_days,
    feature_mask,
    last_active_at
from int_usage_weekly
where contact_id is not null
