-- int_contact_activity_weekly: one row per contact per week with any usage.
with

usage as (
    select * from int_usage_weekly where contact_id is not null
),

features as (
    select feature, core_bit from int_features
),

final as (
    select
        u.account_id,
        u.contact_id,
        u.week_start,
        sum(u.event_count)::integer                                     as event_count,
        bit_count(bit_or(u.active_day_mask))::integer                   as active_days,
        bit_or(case when f.core_bit is not null then (1::ubigint) << f.core_bit else 0::ubigint end) as feature_mask,
        max(u.last_active_at)                                           as last_active_at
    from usage as u
    join features as f on f.feature = u.feature
    group by u.account_id, u.contact_id, u.week_start
)

select * from final
