-- grain: scored week, segment
-- key: week_start, segment?
-- scope: portfolio
-- int_ttv_norms: one row per scored week and segment: the median time to value (days from kick-off
-- to go-live) of the projects already live before the week's as_of, for the segment and overall.
-- Portfolio-wide, so it is built once, before the engine scores accounts (possibly in batches).
with

live_projects as (
    select a.segment, p.go_live_at, date_diff('day', p.started_at, p.go_live_at) as ttv_days
    from stg_onboarding_projects as p
    join stg_accounts as a using (account_id)
    where p.go_live_at is not null
),

-- a segment needs three projects live, else every segment's median applies
segment_norms as (
    select
        c.week_start,
        l.segment,
        median(l.ttv_days)                                              as segment_norm,
        count(*)                                                        as segment_projects
    from int_calendar as c
    join live_projects as l on l.go_live_at < c.as_of
    group by c.week_start, l.segment
),

overall_norms as (
    select c.week_start, median(l.ttv_days) as overall_norm
    from int_calendar as c
    join live_projects as l on l.go_live_at < c.as_of
    group by c.week_start
),

segments as (
    select distinct segment from stg_accounts
),

final as (
    select
        o.week_start,
        s.segment,
        case when n.segment_projects >= 3 then n.segment_norm else o.overall_norm end as ttv_norm_days
    from overall_norms as o
    cross join segments as s
    left join segment_norms as n on n.week_start = o.week_start and n.segment = s.segment
)

select * from final
