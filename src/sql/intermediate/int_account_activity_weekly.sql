-- int_account_activity_weekly: one row per account per week with any usage (API use included).
with

usage as (
    select * from int_usage_weekly
),

features as (
    select feature, core_bit from int_features
),

final as (
    select
        u.account_id,
        u.week_start,
        sum(u.event_count)::bigint                                      as event_count,
        count(distinct u.contact_id)::integer                           as active_users,
        bit_or(case when f.core_bit is not null then (1::ubigint) << f.core_bit else 0::ubigint end) as feature_mask
    from usage as u
    join features as f on f.feature = u.feature
    group by u.account_id, u.week_start
)

select * from final
