-- grain: feature seen in usage
-- key: feature
-- stage: ingest
-- int_usage_features: one row per feature seen in the usage exports, with the week it was first used.
-- A cheap first pass over the events (a handful of groups), so that the weekly rollup can fold the
-- features each person used into a bit mask instead of keeping one row per feature.
with

all_usage as (
    select feature, occurred_at from stg_usage_events
    union all
    select feature, cast(usage_date as timestamp) as occurred_at from stg_usage_daily
),

final as (
    select
        feature,
        cast(date_trunc('week', min(occurred_at)) as date)              as first_week
    from all_usage
    group by feature
)

select * from final
