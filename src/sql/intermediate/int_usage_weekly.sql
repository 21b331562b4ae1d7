-- int_usage_weekly: one row per account, contact, feature and ISO week (week_start is the Monday, UTC).
-- The single scan of the usage exports: every usage measure reads this rollup, never the events.
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

final as (
    select
        account_id,
        contact_id,
        feature,
        cast(date_trunc('week', occurred_at) as date)           as week_start,
        sum(event_count)::integer                               as event_count,
        sum(quantity)::double                                   as quantity,
        -- bit d-1 set when the contact was active on ISO weekday d (Monday = bit 0)
        bit_or(cast(1 << (isodow(occurred_at) - 1) as utinyint)) as active_day_mask,
        max(occurred_at)                                        as last_active_at
    from all_usage
    group by all
)

select * from final
