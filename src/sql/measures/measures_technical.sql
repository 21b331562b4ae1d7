-- measures_technical: one row per account-week. Bugs and incidents open at the week's end weighted
-- by severity, P0s opened in the last 30 days, median days to close over the last 90, and the
-- 8-week trend of tickets opened.
with

weeks as (
    select account_id, week_start, as_of, week_index from int_account_weeks
),

tickets as (
    select
        account_id, opened_at, closed_at, severity, kind,
        case severity when 'P0' then 10.0 when 'P1' then 4.0 when 'P2' then 1.0 else 0.25 end as severity_weight
    from stg_support_tickets
),

open_bugs as (
    select w.account_id, w.week_start, sum(t.severity_weight) as open_bugs_weighted
    from weeks as w
    join tickets as t
        on t.account_id = w.account_id
       and t.kind in ('bug', 'incident')
       and t.opened_at < w.as_of
       and (t.closed_at is null or t.closed_at >= w.as_of)
    group by w.account_id, w.week_start
),

p0 as (
    select w.account_id, w.week_start, count(*) as p0_last_30d
    from weeks as w
    join tickets as t
        on t.account_id = w.account_id
       and t.severity = 'P0'
       and t.opened_at < w.as_of
       and t.opened_at >= w.as_of - interval 30 day
    group by w.account_id, w.week_start
),

resolution as (
    select w.account_id, w.week_start, median(date_diff('second', t.opened_at, t.closed_at) / 86400.0) as resolution_days_90d
    from weeks as w
    join tickets as t
        on t.account_id = w.account_id
       and t.closed_at < w.as_of
       and t.closed_at >= w.as_of - interval 90 day
    group by w.account_id, w.week_start
),

opened_weekly as (
    select account_id, cast(date_trunc('week', opened_at) as date) as week_start, count(*) as opened
    from tickets
    group by all
),

volume as (
    select
        w.account_id,
        w.week_start,
        w.week_index,
        sum(coalesce(o.opened, 0)) over (by_week rows between 7 preceding and current row) as opened_8w,
        sum(coalesce(o.opened, 0)) over (by_week rows between 15 preceding and 8 preceding) as opened_prev_8w
    from weeks as w
    left join opened_weekly as o using (account_id, week_start)
    window by_week as (partition by w.account_id order by w.week_start)
),

final as (
    select
        w.account_id,
        w.week_start,
        coalesce(b.open_bugs_weighted, 0)                               as open_bugs_weighted,
        coalesce(p.p0_last_30d, 0)::double                              as p0_last_30d,
        r.resolution_days_90d                                           as resolution_days_90d,
        -- fewer than 4 tickets in the earlier period is too few to call a trend
        case when v.week_index >= 16 and v.opened_prev_8w >= 4 then v.opened_8w / v.opened_prev_8w - 1 end as ticket_volume_trend_8w
    from weeks as w
    left join open_bugs as b using (account_id, week_start)
    left join p0 as p using (account_id, week_start)
    left join resolution as r using (account_id, week_start)
    left join volume as v using (account_id, week_start)
)

select * from final
