-- int_account_activity_weekly: one row per account per week with any usage (API use included).
-- Built from the per-contact weekly activity (one row per active user already) plus the usage no
-- contact carries, so active users are a count rather than a distinct count over the rollup.
with

contacts as (
    select account_id, week_start, event_count, 1 as active_user, feature_mask
    from int_contact_activity_weekly
),

features as (
    select feature, core_bit from int_features
),

anonymous as (
    select
        u.account_id,
        u.week_start,
        u.event_count,
        0                                                               as active_user,
        case when f.core_bit is not null then (1::ubigint) << f.core_bit else 0::ubigint end as feature_mask
    from int_usage_weekly as u
    join features as f on f.feature = u.feature
    where u.contact_id is null
),

final as (
    select
        account_id,
        week_start,
        sum(event_count)::bigint                                        as event_count,
        sum(active_user)::integer                                       as active_users,
        bit_or(feature_mask)                                            as feature_mask
    from (select * from contacts union all select * from anonymous)
    group by account_id, week_start
)

select * from final
