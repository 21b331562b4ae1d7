-- grain: scored week
-- key: week_start
-- scope: portfolio
-- int_calendar: one row per scored week, Monday to Sunday (UTC).
-- A week is scored as of the Monday after it (as_of, exclusive): nothing at or after as_of counts.
-- History runs from the first week with usage data to the last week that ended by the export.
with

bounds as (
    select
        (select min(week_start) from int_usage_weekly)                 as first_week,
        cast(date_trunc('week', exported_at) as date) - 7              as last_week
    from run_context
),

weeks as (
    select cast(w as date) as week_start
    from bounds, range(cast(first_week as timestamp), cast(last_week as timestamp) + interval 1 day, interval 7 day) as t(w)
),

final as (
    select
        week_start,
        week_start + 6                                                  as week_end,
        cast(week_start + 7 as timestamp)                               as as_of,
        (row_number() over (order by week_start) - 1)::integer          as week_number
    from weeks
)

select * from final
