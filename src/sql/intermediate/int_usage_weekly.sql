-- grain: account, contact (null: no person), week with usage
-- key: account_id, contact_id?, week_start
-- stage: ingest
-- int_usage_weekly: one row per account, contact and ISO week (week_start is the Monday, UTC) with
-- usage; contact_id is null for usage no person carries (API, integrations).
-- The single scan that aggregates the usage exports: every usage measure reads this rollup, never
-- the events. The core features used fold into a 64-bit mask (bits from int_features), which keeps
-- the rollup at one row per person-week rather than one per person, feature and week.
-- Raw events and the daily-aggregate export are added up, so a warehouse may send either or both.
with

events as (
    select account_id, contact_id, feature, occurred_at, coalesce(quantity, 1) as quantity, 1 as event_count
    from stg_usage_events
),

daily as (
    select account_id, contact_id, feature, cast(usage_date as timestamp) as occurred_at,
           coalesce(quantity, event_count) as quantity, event_count
    from stg_usage_daily
),

all_usage as (
    select * from events
    union all
    select * from daily
),

core_features as (
    select feature, core_bit from int_features where core_bit is not null
),

final as (
    select
        u.account_id,
        u.contact_id,
        cast(date_trunc('week', u.occurred_at) as date)                 as week_start,
        sum(u.event_count)::integer                                     as event_count,
        sum(u.quantity)::double                                         as quantity,
        -- bit d-1 set when there was use on ISO weekday d (Monday = bit 0)
        bit_or(cast(1 << (isodow(u.occurred_at) - 1) as utinyint))      as active_day_mask,
        -- bit b set when the core feature with core_bit b was used
        bit_or(coalesce((1::ubigint) << f.core_bit, 0::ubigint))        as feature_mask,
        max(u.occurred_at)                                              as last_active_at
    from all_usage as u
    left join core_features as f on f.feature = u.feature
    group by all
)

select * from final
