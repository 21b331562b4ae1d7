-- grain: feature
-- key: feature
-- stage: ingest
-- int_features: one row per feature in the catalogue or seen in usage.
-- Core features get a bit (0-63, by name) so the features used in a period fit in one 64-bit mask.
-- Without a catalogue every observed feature is core, counted from the week it was first used so
-- that a feature launched later never lowers an earlier week's breadth.
with

catalogue as (
    select feature, is_core, min_plan from stg_features
),

observed as (
    select feature, first_week from int_usage_features
),

merged as (
    select
        coalesce(c.feature, o.feature)                                                  as feature,
        coalesce(c.is_core, (select count(*) = 0 from catalogue))                       as is_core,
        c.min_plan,
        case when c.feature is null then o.first_week end                               as known_from_week
    from catalogue as c
    full join observed as o on c.feature = o.feature
),

final as (
    select
        feature,
        is_core,
        min_plan,
        known_from_week,
        case when is_core then (row_number() over (partition by is_core order by feature) - 1)::integer end as core_rank
    from merged
)

select feature, is_core, min_plan, known_from_week, case when core_rank < 64 then core_rank end as core_bit
from final
