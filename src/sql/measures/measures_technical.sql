-- grain: account, scored week
-- key: account_id, week_start
-- measures_technical: one row per account-week. Bugs and incidents open at the week's end weighted
-- by severity, P0s opened in the last 30 days, median days to close over the last 90, the 8-week
-- trend of tickets opened, escalations and hours to first response over the last 90 days.
-- Optional ticket columns: a measure that needs one (kind, escalation, first response) has no data
-- (null, not 0) until the book has recorded a value of it, as of the week: a help desk that exports
-- no ticket type has no bug count, rather than zero bugs.
with

weeks as (
    select account_id, week_start, as_of, week_index from int_account_weeks
),

tickets as (
    select
        account_id, opened_at, closed_at, severity, kind, first_response_at,
        -- an escalation flag without a time counts from the ticket's opening
        coalesce(escalated_at, case when is_escalated then opened_at end) as escalated_at,
        case severity when 'P0' then 10.0 when 'P1' then 4.0 when 'P2' then 1.0 else 0.25 end as severity_weight
    from stg_support_tickets
),

-- from when the book records each optional column (the whole book's, not the batch's)
recorded as (
    select kinds_from, escalations_from, responses_from from int_ticket_recording
),

escalations as (
    select
        w.account_id,
        w.week_start,
        count(*) filter (where t.escalated_at < w.as_of and t.escalated_at >= w.as_of - interval 90 day) as escalated_90d,
        count(*) filter (where t.opened_at >= w.as_of - interval 90 day)  as opened_90d,
        count(*) filter (where t.opened_at >= w.as_of - interval 90 day and t.escalated_at < w.as_of) as opened_escalated_90d,
        -- a ticket still unanswered at as_of has waited until as_of so far
        median(date_diff('second', t.opened_at, least(coalesce(t.first_response_at, t.closed_at, w.as_of), w.as_of)) / 3600.0)
            filter (where t.opened_at >= w.as_of - interval 90 day)       as first_response_hours_90d
    from weeks as w
    join tickets as t
        on t.account_id = w.account_id
       and t.opened_at < w.as_of
       and (t.opened_at >= w.as_of - interval 90 day or t.escalated_at >= w.as_of - interval 90 day)
    group by w.account_id, w.week_start
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
        case when w.as_of > k.kinds_from then coalesce(b.open_bugs_weighted, 0) end as open_bugs_weighted,
        coalesce(p.p0_last_30d, 0)::double                              as p0_last_30d,
        r.resolution_days_90d                                           as resolution_days_90d,
        -- fewer than 4 tickets in the earlier period is too few to call a trend
        case when v.week_index >= 16 and v.opened_prev_8w >= 4 then v.opened_8w / v.opened_prev_8w - 1 end as ticket_volume_trend_8w,
        case when w.as_of > k.escalations_from then coalesce(e.escalated_90d, 0)::double end as escalated_tickets_90d,
        case when w.as_of > k.escalations_from and e.opened_90d > 0 then e.opened_escalated_90d / e.opened_90d end as escalation_share_90d,
        case when w.as_of > k.responses_from then e.first_response_hours_90d end as first_response_hours_90d
    from weeks as w
    cross join recorded as k
    left join open_bugs as b using (account_id, week_start)
    left join p0 as p using (account_id, week_start)
    left join resolution as r using (account_id, week_start)
    left join volume as v using (account_id, week_start)
    left join escalations as e using (account_id, week_start)
)

select * from final
